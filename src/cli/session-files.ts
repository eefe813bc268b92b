// A session's files in its output folder: session.cast (asciicast v2, with markers) and
// session.raw (the exact bytes received). Both are written as events arrive, into files made new
// (record/safe-files.ts): a name already taken is refused, never overwritten.

import path from 'node:path';
import { isXenkeysError, XenkeysError } from '../core/errors.js';
import { numbered, prepareOutDir, type OutDir } from './out-dir.js';
import { isoWithZone } from '../core/iso-time.js';
import type { SessionEvent } from '../core/session-event.js';
import { CastWriter } from '../record/cast-writer.js';
import { RawLogWriter } from '../record/raw-log.js';
import { describeWriteError, removeQuietly } from '../record/safe-files.js';

export interface SessionFiles {
  readonly castPath: string;
  readonly rawPath: string;
  readonly wallStart: number;
  /** The first write that failed (a full disk, say), and to which file: nothing is written after it. */
  readonly failure: { error: NodeJS.ErrnoException; file: string } | null;
  /** Received bytes that could not be stored since the failure. */
  readonly unstoredBytes: number;
  /** Never throws: a failed write is kept in `failure` and reported once through `onFailure`. */
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
  /** Extra cast header fields (in-band capture marks itself with `xenkeys_capture: "inband"`). */
  header?: Record<string, unknown>;
  /** Called once, at the first failed write. */
  onFailure?: (error: NodeJS.ErrnoException, file: string) => void;
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
      ...options.header,
    },
    {
      recordInput: options.recordInput,
      coalesceMs: 10,
      onTimerError: (error) => fail(error as NodeJS.ErrnoException, castPath),
    },
  );
  let raw: RawLogWriter;
  try {
    raw = RawLogWriter.open(rawPath);
  } catch (error) {
    // Half a pair is no session: take back the cast just made.
    cast.close();
    removeQuietly(castPath);
    throw error;
  }
  let failure: { error: NodeJS.ErrnoException; file: string } | null = null;
  let unstored = 0;
  function fail(error: NodeJS.ErrnoException, file: string): void {
    if (failure) return;
    failure = { error, file: path.basename(file) };
    options.onFailure?.(error, path.basename(file));
  }
  return {
    castPath,
    rawPath,
    wallStart: options.wallStart,
    get failure() {
      return failure;
    },
    get unstoredBytes() {
      return unstored;
    },
    write(event) {
      if (failure) {
        if (event.type === 'output') unstored += event.bytes.length;
        return;
      }
      let file = rawPath;
      try {
        raw.write(event);
        file = castPath;
        cast.write(event);
      } catch (error) {
        // The raw log is written first: if it failed, this event's bytes are not stored.
        if (file === rawPath && event.type === 'output') unstored += event.bytes.length;
        fail(error as NodeJS.ErrnoException, file);
      }
    },
    close() {
      for (const w of [cast, raw]) {
        try {
          w.close();
        } catch {
          // Closing after a failed write may fail again; what was written stays.
        }
      }
    },
  };
}

/**
 * The output folder (out-dir.ts: a fresh one by default, an --out holding a session refused), or a
 * clear error before anything touches the host.
 */
export function openOutput(out: string | undefined, reuse: boolean, wallNow: number): OutDir {
  try {
    return prepareOutDir(out, { reuse, wallNow });
  } catch (error) {
    throw outputError(error, out ?? '.');
  }
}

/** The session files in a prepared output folder (numbered when reusing one). */
export async function openSessionOutput(out: OutDir, options: SessionFilesOptions): Promise<SessionFiles> {
  try {
    return openSessionFiles(out.dir, { ...options, name: numbered('session', out.index) });
  } catch (error) {
    throw outputError(error, out.dir);
  }
}

function outputError(error: unknown, dir: string): unknown {
  if (isXenkeysError(error)) return error;
  return new XenkeysError(
    'write-failed',
    `cannot write the output folder ${describeWriteError(error as NodeJS.ErrnoException, dir)}`,
    { hint: 'Choose a folder you can write with --out DIR.' },
  );
}
