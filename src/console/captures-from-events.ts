// Re-cut a recorded session into per-key captures, exactly as the live key runner cut it: lines
// completed between a key's start and end markers belong to that key. Pure: a fold over the
// SessionEvents a recording reader returns, so replay and reports see what capture saw.

import type { SessionEvent } from '../core/session-event.js';
import { parseMarker } from '../record/markers.js';
import type { CaptureEndReason, KeyCapture } from './key-runner.js';
import { LineSplitter, type Line } from './line-splitter.js';

export interface RecutSession {
  captures: KeyCapture[];
  /** Lines outside any capture (boot log, dom0 chatter), in order. */
  otherLines: Line[];
  /** Every line, in order. */
  lines: Line[];
}

interface Open {
  key: string;
  description: string | null;
  start: number;
  firstOutput: number | null;
  rawStart: number;
  lines: Line[];
}

export function capturesFromEvents(events: Iterable<SessionEvent>): RecutSession {
  const splitter = new LineSplitter();
  const captures: KeyCapture[] = [];
  const otherLines: Line[] = [];
  const lines: Line[] = [];
  let open: Open | null = null;
  let rawEnd = 0;
  let lastT = 0;

  const close = (t: number, reason: CaptureEndReason): void => {
    if (!open) return;
    captures.push({
      key: open.key,
      description: open.description,
      start: open.start,
      firstOutput: open.firstOutput,
      end: t,
      rawStart: open.rawStart,
      rawEnd,
      bytes: rawEnd - open.rawStart,
      lines: open.lines.length,
      text: open.lines.map((l) => l.text).join('\n'),
      endReason: reason,
    });
    open = null;
  };

  for (const event of events) {
    lastT = event.t;
    if (event.type === 'output') {
      rawEnd = event.offset + event.bytes.length;
      if (open && open.firstOutput === null) open.firstOutput = event.t;
      for (const line of splitter.push(event.bytes, event.t, event.offset)) {
        lines.push(line);
        (open ? open.lines : otherLines).push(line);
      }
    } else if (event.type === 'marker') {
      const marker = parseMarker(event.label);
      if (marker.type === 'key-start') {
        close(event.t, 'interrupted');
        open = {
          key: marker.key,
          description: marker.description,
          start: event.t,
          firstOutput: null,
          rawStart: rawEnd,
          lines: [],
        };
      } else if (marker.type === 'key-end' && open) {
        close(event.t, asEndReason(marker.reason));
      }
    }
  }
  const tail = splitter.flush(lastT);
  if (tail) {
    lines.push(tail);
    (open ? (open as Open).lines : otherLines).push(tail);
  }
  close(lastT, 'interrupted');
  return { captures, otherLines, lines };
}

function asEndReason(reason: string): CaptureEndReason {
  const known: CaptureEndReason[] = [
    'quiet',
    'no-output',
    'cap',
    'interrupted',
    'transport-lost',
    'ring-wrapped',
  ];
  return (known as string[]).includes(reason) ? (reason as CaptureEndReason) : 'quiet';
}
