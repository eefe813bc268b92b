// A cast into a ReportBuilder as it is read, never whole: the streaming twin of session-reader's
// recordingFromCast → captures-from-events' capturesFromEvents → feeds' addRecut, and the same report
// (test/report/robust-stream.test.ts holds it to that). Output events become lines, lines between a
// key's start and end markers its capture, the rest plain log; each capture goes to the builder when it
// closes — or, if a line that began before it is still unfinished, right after that line.

import { LineSplitter, type Line } from '../console/line-splitter.js';
import { CastParser, type CastEvent } from '../record/asciicast.js';
import { parseMarker } from '../record/markers.js';
import type { CaptureInput, ReportBuilder } from './build.js';

interface Open {
  key: string;
  description: string | null;
  start: number;
  rawStart: number;
  lines: string[];
}

type Ready = CaptureInput & { rawStart: number };

const END_REASONS = new Set(['quiet', 'no-output', 'cap', 'interrupted', 'transport-lost']);
const RESIZE = /^\d+x\d+$/;

export class CastFeed {
  private readonly parser: CastParser;
  private readonly encoder = new TextEncoder();
  private readonly splitter = new LineSplitter();
  private open: Open | null = null;
  /** Closed captures waiting for an unfinished line that began before them. */
  private ready: Ready[] = [];
  /** Bytes of output so far, and where the last finished line ended. */
  private rawEnd = 0;
  private lineEnd = 0;
  private lastT = 0;

  constructor(
    private readonly builder: ReportBuilder,
    source?: string,
  ) {
    this.parser = new CastParser(source === undefined ? {} : { source });
  }

  /** The next piece of the cast's text. Throws CastFormatError as parseCast would. */
  push(text: string): void {
    for (const event of this.parser.push(text)) this.event(event);
  }

  end(): void {
    for (const event of this.parser.end()) this.event(event);
    const tail = this.splitter.flush(this.lastT);
    if (tail) this.line(tail);
    this.close(this.lastT, 'interrupted');
    for (const c of this.ready) this.builder.addCapture(c);
    this.ready = [];
  }

  private event({ time: t, code, data }: CastEvent): void {
    // The events recordingFromCast keeps (and whose times capturesFromEvents reads); others are skipped.
    if (code === 'o') {
      this.lastT = t;
      const bytes = this.encoder.encode(data);
      const offset = this.rawEnd;
      this.rawEnd += bytes.length;
      for (const line of this.splitter.push(bytes, t, offset)) this.line(line);
      this.flushReady();
    } else if (code === 'm') {
      this.lastT = t;
      const marker = parseMarker(data);
      if (marker.type === 'key-start') {
        this.close(t, 'interrupted');
        this.open = {
          key: marker.key,
          description: marker.description,
          start: t,
          rawStart: this.rawEnd,
          lines: [],
        };
      } else if (marker.type === 'key-end' && this.open) {
        this.close(t, END_REASONS.has(marker.reason) ? marker.reason : 'quiet');
      }
    } else if (code === 'i' || (code === 'r' && RESIZE.test(data))) this.lastT = t;
  }

  private line(line: Line): void {
    this.lineEnd = line.offset + line.length;
    if (this.open) {
      this.open.lines.push(line.text);
      return;
    }
    // A capture goes before the first plain line that began at or after its start (addRecut's order).
    while (this.ready.length > 0 && (this.ready[0]?.rawStart ?? Infinity) <= line.offset)
      this.builder.addCapture(this.ready.shift() as Ready);
    this.builder.addLine(line.text, line.t);
  }

  private close(t: number, endReason: string): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    // captureInput's reading of the capture's text: one empty line is no line at all.
    const lines = o.lines.length === 1 && o.lines[0] === '' ? [] : o.lines;
    this.ready.push({
      key: o.key,
      description: o.description,
      start: o.start,
      lines,
      end: t,
      endReason,
      rawStart: o.rawStart,
    });
    this.flushReady();
  }

  /** Captures no plain line still to come can precede: every such line begins at or after them. */
  private flushReady(): void {
    const pending = this.rawEnd > this.lineEnd ? this.lineEnd : Infinity;
    while (this.ready.length > 0 && (this.ready[0]?.rawStart ?? Infinity) <= pending)
      this.builder.addCapture(this.ready.shift() as Ready);
  }
}
