// The recordings (real Xen 4.17.7) through the whole report path: the cast re-cut by its markers must
// honour the contract, give structure for every key, and match the reviewed snapshot in
// recordings/<name>/expected/report.json (XENKEYS_UPDATE_EXPECTED=1 rewrites them); the raw log of the
// same session (no markers) must give the same captures through the section splitter, and the live
// path (the console folding the session's events as they happen, as `capture` does) the same again.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCaptureReport } from '../../src/capture/capture-report.js';
import type { KeyCapture } from '../../src/console/key-runner.js';
import { XenConsole } from '../../src/console/xen-console.js';
import type { Clock } from '../../src/core/clock.js';
import { parseMarker } from '../../src/record/markers.js';
import { readRecording } from '../../src/record/session-reader.js';
import { FakeTransport } from '../../src/transports/fake.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import type { Report } from '../../src/report/model.js';
import { renderJson } from '../../src/report/render-json.js';
import { contractProblems } from '../../src/report/contract-check.js';

const ROOT = path.resolve(import.meta.dirname, '../../recordings');
const NAMES = readdirSync(ROOT).filter((n) => existsSync(path.join(ROOT, n, 'session.cast')));
const UPDATE = process.env['XENKEYS_UPDATE_EXPECTED'] === '1';

const comparable = (r: Report): unknown => JSON.parse(renderJson(r));
const captureView = (r: Report): unknown[] => r.captures.map((c) => [c.key, c.lines, c.text, c.parsed]);

describe.each(NAMES)('recording %s', (name) => {
  const dir = path.join(ROOT, name);

  it('re-cut by its markers, honours the contract and matches the reviewed snapshot', async () => {
    const report = reportFromRecording(await readRecording(path.join(dir, 'session.cast')), 'session.cast');
    expect(contractProblems(comparable(report))).toEqual([]);
    const file = path.join(dir, 'expected', 'report.json');
    if (UPDATE) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, renderJson(report));
    }
    expect(comparable(report)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('gives structure for every key, understanding every line', async () => {
    const report = reportFromRecording(await readRecording(path.join(dir, 'session.cast')), 'session.cast');
    const captured = JSON.parse(readFileSync(path.join(dir, 'captures.json'), 'utf8')) as {
      captures: KeyCapture[];
    };
    // Each part of a `*` is also a capture of its key, right after the `*` (found: star-part).
    const own = report.captures.filter((c) => c.found !== 'star-part');
    expect(own.map((c) => c.key)).toEqual(captured.captures.map((c) => c.key));
    const star = own.find((c) => c.key === '*');
    if (star) {
      const parts = (star.parsed as { parts: { key: string }[] }).parts.map((p) => p.key);
      const after = report.captures.slice(
        report.captures.indexOf(star) + 1,
        report.captures.indexOf(star) + 1 + parts.length,
      );
      expect(after.map((c) => [c.key, c.found])).toEqual(parts.map((k) => [k, 'star-part']));
    }
    for (const c of report.captures) {
      expect(c.parsed, `key ${c.key}`).not.toBeNull();
      expect((c.parsed as { unrecognised: string[] }).unrecognised, `key ${c.key}`).toEqual([]);
    }
  });

  it('from its raw log (no markers) gives the same captures through the section splitter', async () => {
    const cast = reportFromRecording(await readRecording(path.join(dir, 'session.cast')), 'session.cast');
    const raw = reportFromRecording(await readRecording(path.join(dir, 'session.raw')), 'session.raw');
    expect(raw.source).toEqual({ kind: 'log', name: 'session.raw' });
    expect(contractProblems(comparable(raw))).toEqual([]);
    expect(captureView(raw)).toEqual(captureView(cast));
    expect(raw.platform).toEqual(cast.platform);
    expect(raw.events).toEqual(cast.events);
    expect(raw.dom0).toEqual(cast.dom0);
    expect(raw.captures.every((c) => c.start === null && c.found !== 'marker')).toBe(true);
  });

  it('from the live path (the console folding its events as they come) gives the same report', async () => {
    const recording = await readRecording(path.join(dir, 'session.cast'));
    const cast = reportFromRecording(recording, 'session.cast');
    // The recorded session replayed into a console: its bytes from the line, its markers as the key
    // runner wrote them, at their recorded times.
    let now = 0;
    const clock: Clock = {
      now: () => now,
      wallNow: () => now,
      setTimeout: () => ({ cancel: () => undefined }),
    };
    const fake = new FakeTransport();
    await fake.open();
    const console = new XenConsole(fake, { clock });
    const files = mkdtempSync(path.join(os.tmpdir(), 'xk-golden-live-'));
    const report = startCaptureReport(console, {
      stem: path.join(files, 'report'),
      source: { kind: 'live', name: null },
    });
    for (const event of recording.events) {
      now = event.t * 1000;
      if (event.type === 'output') fake.emitData(event.bytes);
      else if (event.type === 'marker' && event.label.startsWith('key '))
        console.mark(parseMarker(event.label));
    }
    expect(await report.write()).toBeNull();
    // Written as the session ran, in both formats; the JSON is the report itself.
    expect(readdirSync(files).sort()).toEqual(['report.json', 'report.md']);
    const live = JSON.parse(readFileSync(path.join(files, 'report.json'), 'utf8')) as Report;
    expect(contractProblems(comparable(live))).toEqual([]);
    expect(captureView(live)).toEqual(captureView(cast));
    expect(live.captures.map((c) => [c.description, c.found, c.complete])).toEqual(
      cast.captures.map((c) => [c.description, c.found, c.complete]),
    );
    live.captures.forEach((c, i) => expect(c.start).toBeCloseTo(cast.captures[i]?.start ?? NaN, 6));
    expect([live.platform, live.events, live.dom0, live.stats]).toEqual([
      cast.platform,
      cast.events,
      cast.dom0,
      cast.stats,
    ]);
  });
});
