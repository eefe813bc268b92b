// The streaming paths give the report the in-memory path gives, to the byte: captures written as they
// complete (JsonReportStream), parsed elsewhere (drafts + CaptureFinisher, as the worker thread does),
// and casts re-cut as they are read (CastFeed). And the builder's time stays linear in its input, even
// for the inputs that once made it re-read lines (unclosed `w` replays).

import { describe, expect, it, vi } from 'vitest';
import { SectionSplitter } from '../../src/parse/sections.js';
import { readRecording } from '../../src/record/session-reader.js';
import { ReportBuilder } from '../../src/report/build.js';
import { SessionFold } from '../../src/pipeline/session-fold.js';
import { CastFeed } from '../../src/report/cast-feed.js';
import { CaptureFinisher } from '../../src/report/finisher.js';
import { builderSink } from '../../src/report/fold-feed.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import type { ReportCapture } from '../../src/report/model.js';
import { JsonReportStream, renderJson } from '../../src/report/render-json.js';
import { NAMES, RECORDINGS, allRecordings, recordingBytes, referenceLines } from './robust-helpers.js';

const SOURCE = { kind: 'log' as const, name: 'x.log' };

function inMemory(bytes: Uint8Array): string {
  const builder = new ReportBuilder(SOURCE);
  for (const line of referenceLines(bytes)) builder.addLine(line);
  return renderJson(builder.finish());
}

function streamed(bytes: Uint8Array, drafts: boolean): string {
  const json = new JsonReportStream(() => SOURCE);
  const out: string[] = [];
  const write = (c: ReportCapture): number => out.push(...json.capture(c));
  const finisher = new CaptureFinisher(write, Infinity);
  const builder = new ReportBuilder(
    SOURCE,
    drafts ? { onDraft: (d) => finisher.add(d) } : { onCapture: write },
  );
  const fold = new SessionFold(builderSink(builder, { times: false }));
  for (let at = 0; at < bytes.length; at += 4096) fold.output(bytes.subarray(at, at + 4096), 0);
  fold.end();
  const report = builder.finish(drafts ? finisher.finish() : undefined);
  expect(report.captures).toEqual([]);
  out.push(...json.end(report));
  return out.join('');
}

describe('streaming', () => {
  const log = allRecordings();
  const expected = inMemory(log);

  it('writes the same document as the in-memory report, byte for byte', () => {
    expect(streamed(log, false)).toBe(expected);
  });

  it('parsing drafts elsewhere (the worker thread) changes nothing', () => {
    expect(streamed(log, true)).toBe(expected);
  });

  it('holds captures for a late `h` list only so long, then lets them go with their own names', () => {
    const lines = [
      "(XEN) 'q' pressed -> dumping domain info (now = 1)",
      '(XEN) General information for domain 0:',
      "(XEN) 'h' pressed -> showing installed handlers",
      "(XEN)  key 'q' (ascii '71') => dump domain (and guest debug) info",
      "(XEN) 'q' pressed -> dumping domain info (now = 2)",
    ];
    const described = (holdBytes: number): (string | null)[] => {
      const got: ReportCapture[] = [];
      const builder = new ReportBuilder(SOURCE, { onCapture: (c) => got.push(c), holdBytes });
      for (const l of lines) builder.addLine(l);
      builder.finish();
      return got.map((c) => c.description);
    };
    const list = 'dump domain (and guest debug) info';
    expect(described(Infinity)).toEqual([list, 'showing installed handlers', list]);
    expect(described(10)).toEqual(['dumping domain info', 'showing installed handlers', list]);
  });

  it.each(NAMES)('re-cuts %s as it reads the cast, as the whole-recording path does', async (name) => {
    const file = `${RECORDINGS}/${name}/session.cast`;
    const whole = reportFromRecording(await readRecording(file), 'session.cast');
    const text = new TextDecoder().decode(recordingBytes(name, 'session.cast'));
    for (const chunk of [1 << 20, 333, 17]) {
      const builder = new ReportBuilder({ kind: 'recording', name: 'session.cast' });
      const feed = new CastFeed(builder, 'session.cast');
      for (let at = 0; at < text.length; at += chunk) feed.push(text.slice(at, at + chunk));
      feed.end();
      expect(renderJson(builder.finish())).toBe(renderJson(whole));
    }
  });
});

describe('work', () => {
  /**
   * Linearity by counting work, never by the clock (a loaded machine fails any time bound): how many
   * times the section splitter is handed a line, per input line. Reading each line once, plus once
   * more for the lines of a `w` replay that never closed, is at most 2; re-reading the rest of the log
   * for each unclosed `w` (the quadratic bug this guards) grows with the log's length.
   */
  function readsPerLine(lines: readonly string[]): number {
    const push = vi.spyOn(SectionSplitter.prototype, 'push');
    try {
      const builder = new ReportBuilder(SOURCE, { onCapture: () => undefined });
      for (const line of lines) builder.addLine(line);
      const report = builder.finish();
      expect(report.stats.lines).toBe(lines.length); // every line scanned exactly once
      return push.mock.calls.length / lines.length;
    } finally {
      push.mockRestore();
    }
  }

  it('reads each line of a log of every key at most twice, at any length', () => {
    const real = referenceLines(allRecordings());
    const mix = (n: number): string[] => Array.from({ length: n }, (_, i) => real[i % real.length] ?? '');
    for (const n of [2_000, 32_000]) expect(readsPerLine(mix(n))).toBeLessThanOrEqual(2);
  });

  it('reads each line at most twice when `w` headers never meet their closing copy', () => {
    const mix = (n: number): string[] =>
      Array.from({ length: n }, (_, i) =>
        i % 50 === 0
          ? `(XEN) [${String(i).padStart(5)}.000000] 'w' pressed -> dumping console ring buffer (dmesg)`
          : `(XEN) [${String(i).padStart(5)}.000001] line ${i}`,
      );
    const small = readsPerLine(mix(2_000));
    const large = readsPerLine(mix(32_000));
    expect(large).toBeLessThanOrEqual(2);
    expect(large).toBeLessThanOrEqual(small + 0.01); // the same per line: 16× the log, 16× the work
  });
});
