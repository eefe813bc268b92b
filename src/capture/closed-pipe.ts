// A reader that goes away (`xenkeys replay … | head -1`) is not an error: like any Unix tool we stop
// writing there and carry on with what matters — files are still written, input is still returned,
// and the exit code still says how the session went. A stream that fails otherwise (stdout on a full
// disk) is stopped as well, said once, and kept for the command to fail with (writeFailureOf). Only
// stdout and stderr are watched.

import { writeFailure } from '../record/safe-files.js';
import type { XenkeysError } from '../core/errors.js';

const gone = new WeakSet<NodeJS.WritableStream>();
const failed = new WeakMap<NodeJS.WritableStream, NodeJS.ErrnoException>();

/** Note EPIPE on stdout and stderr instead of dying of an unhandled 'error' event. Idempotent. */
export function tolerateClosedPipes(
  streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    if (watched.has(stream)) continue;
    watched.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') gone.add(stream);
      else if (!failed.has(stream)) {
        // Every later write fails the same way: said once, not once per write.
        failed.set(stream, error);
        if (stream !== process.stderr && !gone.has(process.stderr) && !claimed.has(stream))
          process.stderr.write(`xenkeys: ${writeFailure(error, 'stdout', '').message}\n`);
      }
    });
  }
}

const watched = new WeakSet<NodeJS.WritableStream>();
const claimed = new WeakSet<NodeJS.WritableStream>();

/** The caller reports this stream's errors itself (a report to stdout fails with its own error). */
export function claimErrors(stream: NodeJS.WritableStream): void {
  claimed.add(stream);
}

/** True once the stream's reader has gone, or it failed, or was destroyed: stop writing to it. */
export function readerGone(stream: NodeJS.WritableStream): boolean {
  const s = stream as NodeJS.WritableStream & { destroyed?: boolean };
  return gone.has(stream) || failed.has(stream) || s.destroyed === true;
}

/** How writing to a watched stream failed (not a reader that went away), as the error to exit with. */
export function writeFailureOf(
  stream: NodeJS.WritableStream,
  name: string,
  hint: string,
): XenkeysError | null {
  const error = failed.get(stream);
  return error ? writeFailure(error, name, hint) : null;
}

/**
 * Writes with backpressure; resolves false once the reader has gone (the caller stops), true
 * when the stream can take more.
 */
export async function writeOrStop(
  stream: NodeJS.WritableStream,
  chunk: Uint8Array | string,
): Promise<boolean> {
  if (readerGone(stream)) return false;
  if (stream.write(chunk)) return !readerGone(stream);
  await drained(stream);
  return !readerGone(stream);
}

/** Resolves when the stream can take more, or is gone (closed, failed). */
export function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
