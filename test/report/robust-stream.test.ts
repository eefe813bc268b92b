// The streaming paths give the report the in-memory path gives, to the byte: captures written as they
// complete (JsonReportStream), parsed elsewhere (drafts + CaptureFinisher, as the worker thread does),
// and casts re-cut as they are read (CastFeed). And the builder's time stays linear in its input, even
// for the inputs that once made it re-read lines (unclosed `w` replays).

import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { ReportBuilder } from '../../src/report/build.js';
import { ByteLines } from '../../src/report/byte-lines.js';
import { CastFeed } from '../../src/report/cast-feed.js';
import { CaptureFinisher } from '../../src/report/finisher.js';
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
  const write = (c: ReportCapture): number => out.push(json.capture(c));
  const finisher = new CaptureFinisher(write, Infinity);
  const builder = new ReportBuilder(
    SOURCE,
    drafts ? { onDraft: (d) => finisher.add(d) } : { onCapture: write },
  );
  const lines = new ByteLines((text) => builder.addLine(text));
  for (let at = 0; at < bytes.length; at += 4096) lines.push(bytes.subarray(at, at + 4096));
  lines.end();
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

describe('time', () => {
  /** Milliseconds the builder takes over these lines (best of three, after a warm-up). */
  function cost(lines: readonly string[]): number {
    let best = Infinity;
    for (let round = 0; round < 4; round++) {
      const started = performance.now();
      const builder = new ReportBuilder(SOURCE, { onCapture: () => undefined });
      for (const line of lines) builder.addLine(line);
      builder.finish();
      if (round > 0) best = Math.min(best, performance.now() - started);
    }
    return best;
  }

  /**
   * Time on 16n lines over time on n lines of the same mix, measured in the same run: ~16 when linear,
   * ~256 when quadratic. Never an absolute time: a loaded machine slows both sides alike, and the
   * bound (64) leaves 4× room for noise while still catching a quadratic builder.
   */
  const ratio = (mix: (n: number) => string[], n: number): number => {
    const [small, large] = [mix(n), mix(16 * n)];
    cost(large);
    return cost(large) / cost(small);
  };

  it('stays linear on a log of every key (16× the lines, under 64× the time)', () => {
    const real = referenceLines(allRecordings());
    const mix = (n: number): string[] => Array.from({ length: n }, (_, i) => real[i % real.length] ?? '');
    expect(ratio(mix, 6_000)).toBeLessThan(64);
  });

  it('stays linear when `w` headers never meet their closing copy', () => {
    const mix = (n: number): string[] =>
      Array.from({ length: n }, (_, i) =>
        i % 50 === 0
          ? `(XEN) [${String(i).padStart(5)}.000000] 'w' pressed -> dumping console ring buffer (dmesg)`
          : `(XEN) [${String(i).padStart(5)}.000001] line ${i}`,
      );
    expect(ratio(mix, 6_000)).toBeLessThan(64);
  });
});
