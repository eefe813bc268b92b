// A report says when (the wall-clock start, ISO 8601 with its zone), what it is of (the console, not
// "session.cast"), and how many CPUs the host has even without its boot log (what `r` and `d` list).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isoWithZone } from '../../src/core/iso-time.js';
import type { Report } from '../../src/report/model.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { sourceMetaFromCast } from '../../src/report/source-meta.js';
import { cpusOf, platformRows } from '../../src/report/view-platform.js';
import { RECORDINGS } from './robust-helpers.js';

describe('isoWithZone', () => {
  it('writes local time with the zone offset', () => {
    const ms = Date.UTC(2026, 11, 2, 6, 30, 0, 123);
    expect(isoWithZone(ms, 0)).toBe('2026-12-02T06:30:00.123+00:00');
    expect(isoWithZone(ms, 60)).toBe('2026-12-02T07:30:00.123+01:00');
    expect(isoWithZone(ms, -330)).toBe('2026-12-02T01:00:00.123-05:30');
    expect(Date.parse(isoWithZone(ms, 345))).toBe(ms);
  });
});

describe('sourceMetaFromCast', () => {
  it("takes the console from xenkeys' title and the start from started_at, else the timestamp", () => {
    const header = { version: 2 as const, width: 80, height: 24 };
    expect(
      sourceMetaFromCast({
        ...header,
        title: 'xenkeys capture: ipmi bmc1',
        timestamp: 1,
        started_at: '2026-12-02T07:30:00.123+01:00',
      }),
    ).toEqual({ target: 'ipmi bmc1', startedAt: '2026-12-02T07:30:00.123+01:00' });
    expect(sourceMetaFromCast({ ...header, title: 'my recording', timestamp: 1795293365 })).toEqual({
      target: 'my recording',
      startedAt: '2026-11-21T20:36:05Z',
    });
    expect(sourceMetaFromCast(header)).toEqual({});
  });
});

describe('CPUs without the boot log', () => {
  const withBoot = JSON.parse(
    readFileSync(path.join(RECORDINGS, 'xen-4.17-boot-and-keys/expected/report.json'), 'utf8'),
  ) as Report;
  const noBoot: Report = { ...withBoot, platform: { ...withBoot.platform, cpus: null } };

  it('falls back to the CPUs r and d list, and says so', () => {
    expect(cpusOf(withBoot)).toEqual({ count: 2, from: null });
    expect(cpusOf(noBoot)).toEqual({ count: 2, from: expect.stringMatching(/^[rd]$/) });
    const row = platformRows(noBoot).find((r) => r.label === 'CPUs');
    expect(row?.value).toMatch(/^2 \(listed by [rd]; the boot log was not seen\)/);
    expect(renderMarkdown(noBoot)).not.toContain('not seen |');
    expect(renderMarkdown(noBoot).split('\n')[2]).toMatch(/· 2 CPUs ·/);
  });
});
