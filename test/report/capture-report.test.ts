// `capture` leaves DIR/report.json beside captures.json: the same captures, parsed, from the session
// just recorded (raw log streamed beside the key runner's own captures).

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE, runCapture } from '../../src/cli/commands/capture.js';
import type { Progress } from '../../src/capture/progress.js';
import { systemClock } from '../../src/core/clock.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import { tinyScript } from '../helpers/sim-console.js';
import { contractProblems } from '../../src/report/contract-check.js';

const silent: Progress = { step() {}, succeed() {}, fail() {}, warn() {}, info() {}, stop() {} };

describe('capture → report.json', () => {
  it('writes a contract report of the live session', async () => {
    const result = await runCapture(
      () => new SimulatedXenTransport({ script: tinyScript(), clock: systemClock }),
      {
        ...DEFAULT_CAPTURE,
        keys: 'qr',
        out: mkdtempSync(path.join(os.tmpdir(), 'xk-cap-report-')),
        timing: { quietMs: 50, firstOutputMs: 300, capMs: 5_000 },
      },
      { progress: silent, stdout: new PassThrough(), trapSignals: false },
    );
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(readFileSync(path.join(result.outDir, 'report.json'), 'utf8')) as {
      source: { kind: string; name: string | null };
      captures: { key: string; found: string; start: number | null; parsed: unknown }[];
      events: { type: string; target: string | null }[];
    };
    expect(contractProblems(report)).toEqual([]);
    expect(report.source).toEqual({
      kind: 'live',
      name: 'simulated Xen console',
      // The wall-clock start, ISO 8601 with the zone's offset, as in captures.json and the cast header.
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/),
    });
    const captures = JSON.parse(readFileSync(path.join(result.outDir, 'captures.json'), 'utf8')) as {
      startedAt: string;
    };
    expect(captures.startedAt).toBe((report.source as { startedAt?: string }).startedAt);
    const header = JSON.parse(
      readFileSync(path.join(result.outDir, 'session.cast'), 'utf8').split('\n')[0]!,
    ) as {
      started_at: string;
    };
    expect(header.started_at).toBe(captures.startedAt);
    expect(report.captures.map((c) => [c.key, c.found])).toEqual(
      result.captures.map((c) => [c.key, 'marker']),
    );
    report.captures.forEach((c, i) => expect(c.start).toBe(result.captures[i]?.start));
    expect(report.captures.every((c) => c.parsed !== null)).toBe(true);
    expect(report.events.filter((e) => e.type === 'input-switch').map((e) => e.target)).toContain('xen');
  });
});
