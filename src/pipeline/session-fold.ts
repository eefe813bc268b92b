// The one place bytes become captures: a streaming fold over session events. Output bytes become lines
// (line-splitter.ts); lines completed between a key's start and end markers (record/markers.ts) are that
// key's capture, the rest plain log. The live console folds its own events as they happen, replay and
// the simulator fold a recording's, `report` folds a cast's as it is read — so all of them cut alike.

import type { SessionEvent } from '../core/session-event.js';
import { parseMarker } from '../record/markers.js';
import { END_REASONS, type CaptureEndReason, type KeyCapture } from './capture.js';
import { LineSplitter, type Line } from './line-splitter.js';

/** The capture being cut, as far as it has come. */
export interface OpenCapture {
  readonly key: string;
  readonly description: string | null;
  readonly start: number;
  readonly rawStart: number;
  /** Lines so far, and bytes received since the key's start marker. */
  readonly lines: number;
  readonly bytes: number;
}

export interface FoldSink {
  /** Every line, as it completes; `open` is the capture it belongs to, if any. */
  line?(line: Line, open: OpenCapture | null): void;
  /** A capture as soon as it closes, with the lines of its text that were kept. */
  capture?(capture: KeyCapture, lines: readonly string[]): void;
  /**
   * In the order a reader of the log meets them — plain lines (outside every capture) and captures,
   * each capture before the first plain line that began at or after its start: what a report reads.
   */
  plain?(line: Line): void;
  ordered?(capture: KeyCapture, lines: readonly string[]): void;
  /**
   * A line of the open capture past maxCaptureText, not kept: for a caller that keeps it elsewhere.
   * `kept`: the capture's lines kept so far (the same, complete, from the first such line on).
   */
  rest?(line: Line, kept: readonly string[]): void;
}

export interface FoldOptions {
  /** Keep at most this many characters of a capture's text (the rest is counted, in the raw log). */
  maxCaptureText?: number;
}

/** A capture the fold cut, with the lines of its text that were kept. */
export interface CutCapture {
  capture: KeyCapture;
  lines: readonly string[];
}

/** What a report reads, in order (FoldSink's `plain` and `ordered`). */
export type CutItem = { type: 'line'; line: Line } | ({ type: 'capture' } & CutCapture);

interface Open extends OpenCapture {
  firstOutput: number | null;
  lines: number;
  bytes: number;
  kept: string[];
  keptChars: number;
}

interface Closed {
  capture: KeyCapture;
  lines: readonly string[];
}

export class SessionFold {
  private readonly splitter = new LineSplitter((line) => this.onLine(line));
  private readonly maxText: number;
  private current: Open | null = null;
  /** Closed captures waiting for an unfinished line that began before them (report order only). */
  private ready: Closed[] = [];
  /** Bytes of output so far, where the last finished line ended, and the last event's time. */
  private rawEnd = 0;
  private lineEnd = 0;
  private lastT = 0;

  constructor(
    private readonly sink: FoldSink,
    options: FoldOptions = {},
  ) {
    this.maxText = options.maxCaptureText ?? Infinity;
  }

  /** The capture being cut, or null between keys. */
  get open(): OpenCapture | null {
    return this.current;
  }

  /** The unfinished line (a prompt, say). */
  partialLine(): string {
    return this.splitter.peek();
  }

  /** One session event; input and resize events only move the clock. */
  push(event: SessionEvent): void {
    if (event.type === 'output') this.output(event.bytes, event.t);
    else if (event.type === 'marker') this.marker(event.label, event.t);
    else this.lastT = event.t;
  }

  output(bytes: Uint8Array, t: number): void {
    this.lastT = t;
    this.rawEnd += bytes.length;
    const o = this.current;
    if (o) {
      o.firstOutput ??= t;
      o.bytes += bytes.length;
    }
    this.splitter.push(bytes, t);
    this.flushReady();
  }

  marker(label: string, t: number): void {
    this.lastT = t;
    // Only a key's markers cut; the cheap test first (most markers are notes and switches).
    if (!label.startsWith('key ')) return;
    const marker = parseMarker(label);
    if (marker.type === 'key-start') {
      this.close(t, 'interrupted');
      this.current = {
        key: marker.key,
        description: marker.description,
        start: t,
        firstOutput: null,
        rawStart: this.rawEnd,
        lines: 0,
        bytes: 0,
        kept: [],
        keptChars: 0,
      };
    } else if (marker.type === 'key-end' && this.current) {
      this.close(t, END_REASONS.has(marker.reason) ? (marker.reason as CaptureEndReason) : 'quiet');
    }
  }

  /** End of input: the unfinished line, and a capture still open (as interrupted). */
  end(t = this.lastT): void {
    this.splitter.end(t);
    this.close(t, 'interrupted');
    for (const c of this.ready.splice(0)) this.sink.ordered?.(c.capture, c.lines);
  }

  private onLine(line: Line): void {
    this.lineEnd = line.offset + line.length;
    const o = this.current;
    this.sink.line?.(line, o);
    if (o) {
      o.lines++;
      // Past the bound only count: the bytes are in the raw log, and memory stays bounded.
      if (o.keptChars < this.maxText) {
        o.kept.push(line.text);
        o.keptChars += line.text.length + 1;
      } else this.sink.rest?.(line, o.kept);
      return;
    }
    if (!this.sink.plain) return;
    while (this.ready.length > 0 && (this.ready[0] as Closed).capture.rawStart <= line.offset)
      this.emitOrdered(this.ready.shift() as Closed);
    this.sink.plain(line);
  }

  private close(t: number, endReason: CaptureEndReason): void {
    const o = this.current;
    if (!o) return;
    this.current = null;
    const capture: KeyCapture = {
      key: o.key,
      description: o.description,
      start: o.start,
      firstOutput: o.firstOutput,
      end: t,
      rawStart: o.rawStart,
      rawEnd: this.rawEnd,
      bytes: this.rawEnd - o.rawStart,
      lines: o.lines,
      text: o.kept.join('\n'),
      ...(o.lines > o.kept.length ? { textTruncated: true as const } : {}),
      endReason,
    };
    // One empty line is no line at all (a key that printed only a line ending).
    const lines = o.kept.length === 1 && o.kept[0] === '' ? [] : o.kept;
    this.sink.capture?.(capture, lines);
    if (this.sink.ordered) this.ready.push({ capture, lines });
    this.flushReady();
  }

  /** Captures no plain line still to come can precede: every such line begins at or after them. */
  private flushReady(): void {
    if (this.ready.length === 0) return;
    const pending = this.rawEnd > this.lineEnd ? this.lineEnd : Infinity;
    while (this.ready.length > 0 && (this.ready[0] as Closed).capture.rawStart <= pending)
      this.emitOrdered(this.ready.shift() as Closed);
  }

  private emitOrdered(c: Closed): void {
    this.sink.ordered?.(c.capture, c.lines);
  }
}

/** A whole recording folded: its captures and the lines outside them (replay, the simulator's script). */
export interface RecutSession {
  captures: KeyCapture[];
  /** Lines outside any capture (boot log, dom0 chatter), in order. */
  otherLines: Line[];
}

export function capturesFromEvents(events: Iterable<SessionEvent>): RecutSession {
  const captures: KeyCapture[] = [];
  const otherLines: Line[] = [];
  const fold = new SessionFold({
    capture: (c) => captures.push(c),
    line: (line, open) => open === null && otherLines.push(line),
  });
  for (const event of events) fold.push(event);
  fold.end();
  return { captures, otherLines };
}
