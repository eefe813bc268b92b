// A session's files in its output folder: session.cast (asciicast v2, with markers) and
// session.raw (the exact bytes received). Both are written as events arrive.

import path from 'node:path';
import { isoWithZone } from '../core/iso-time.js';
import type { SessionEvent } from '../core/session-event.js';
import { CastWriter } from '../record/cast-writer.js';
import { RawLogWriter } from '../record/raw-log.js';

export interface SessionFiles {
  readonly castPath: string;
  readonly rawPath: string;
  readonly wallStart: number;
  write(event: SessionEvent): void;
  close(): void;
}

export interface SessionFilesOptions {
  title: string;
  /** Wall-clock ms of the session start (the cast header's timestamp). */
  wallStart: number;
  recordInput: boolean;
  cols?: number;
  rows?: number;
  /** File name stem: `session` (default) gives session.cast and session.raw. */
  name?: string;
}

export function openSessionFiles(dir: string, options: SessionFilesOptions): SessionFiles {
  const stem = options.name ?? 'session';
  const castPath = path.join(dir, `${stem}.cast`);
  const rawPath = path.join(dir, `${stem}.raw`);
  const cast = CastWriter.open(
    castPath,
    {
      version: 2,
      width: options.cols ?? 80,
      height: options.rows ?? 24,
      timestamp: Math.floor(options.wallStart / 1000),
      // The start to the millisecond, in the recorder's zone (`timestamp` is whole UTC seconds).
      started_at: isoWithZone(options.wallStart),
      title: options.title,
      env: { TERM: 'xterm-256color' },
    },
    { recordInput: options.recordInput, coalesceMs: 10 },
  );
  const raw = RawLogWriter.open(rawPath);
  return {
    castPath,
    rawPath,
    wallStart: options.wallStart,
    write(event) {
      raw.write(event);
      cast.write(event);
    },
    close() {
      cast.close();
      raw.close();
    },
  };
}
