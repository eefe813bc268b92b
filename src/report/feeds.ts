// Feeding a ReportBuilder from what the rest of xenkeys produces: a recording re-cut by its markers
// (captures-from-events.ts), a raw log read beside the captures a live session cut from it, plain lines.

import type { RecutSession } from '../console/captures-from-events.js';
import type { KeyCapture } from '../console/key-runner.js';
import { type CaptureInput, ReportBuilder } from './build.js';
import type { Report, ReportSource } from './model.js';

/** A recording re-cut by its markers: captures in order, the lines between them read as a plain log. */
export function reportFromRecut(recut: RecutSession, source: ReportSource): Report {
  const builder = new ReportBuilder(source);
  addRecut(builder, recut);
  return builder.finish();
}

/** Feed a re-cut recording into a builder (several inputs can share one). */
export function addRecut(builder: ReportBuilder, recut: RecutSession): void {
  const captures = recut.captures;
  let next = 0;
  for (const line of recut.otherLines) {
    // A line that started before a key's marker but ended inside it belongs to the capture already.
    while (next < captures.length && (captures[next]?.rawStart ?? Infinity) <= line.offset) {
      builder.addCapture(captureInput(captures[next++] as KeyCapture));
    }
    builder.addLine(line.text, line.t);
  }
  while (next < captures.length) builder.addCapture(captureInput(captures[next++] as KeyCapture));
}

/**
 * A raw log streamed beside the captures a live session cut from it: a line whose last byte falls in a
 * capture's raw range (rawStart, rawEnd] is already in that capture's text, exactly as the key runner cut it.
 */
export class RawWithCaptures {
  private next = 0;

  constructor(
    private readonly builder: ReportBuilder,
    private readonly captures: readonly KeyCapture[],
  ) {}

  line(text: string, offset: number, length: number): void {
    const end = offset + length;
    for (let c = this.captures[this.next]; c && end > c.rawEnd; c = this.captures[this.next]) {
      this.builder.addCapture(captureInput(c));
      this.next++;
    }
    const c = this.captures[this.next];
    if (c && end > c.rawStart) return;
    this.builder.addLine(text);
  }

  end(): void {
    for (let c = this.captures[this.next]; c; c = this.captures[++this.next])
      this.builder.addCapture(captureInput(c));
  }
}

/** Plain lines with no markers: a raw log, `xl dmesg`, a pasted mail. */
export function reportFromLines(lines: Iterable<string>, source: ReportSource): Report {
  const builder = new ReportBuilder(source);
  for (const line of lines) builder.addLine(line);
  return builder.finish();
}

export function captureInput(c: KeyCapture): CaptureInput {
  return {
    key: c.key,
    description: c.description,
    start: c.start,
    lines: c.text === '' ? [] : c.text.split('\n'),
    end: c.end,
    endReason: c.endReason,
  };
}
