// A reader that goes away (`xenkeys replay … | head -1`) is not an error: like any Unix tool we stop
// writing there and carry on with what matters — files are still written, input is still returned,
// and the exit code still says how the session went. Only stdout and stderr are watched.

const gone = new WeakSet<NodeJS.WritableStream>();

/** Note EPIPE on stdout and stderr instead of dying of an unhandled 'error' event. Idempotent. */
export function tolerateClosedPipes(
  streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    if (watched.has(stream)) continue;
    watched.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') gone.add(stream);
      else if (stream !== process.stderr && !gone.has(process.stderr) && !claimed.has(stream))
        process.stderr.write(`xenkeys: cannot write to stdout: ${error.message}\n`);
    });
  }
}

const watched = new WeakSet<NodeJS.WritableStream>();
const claimed = new WeakSet<NodeJS.WritableStream>();

/** The caller reports this stream's errors itself (a report to stdout fails with its own error). */
export function claimErrors(stream: NodeJS.WritableStream): void {
  claimed.add(stream);
}

/** True once the stream's reader has gone (or the stream was destroyed): stop writing to it. */
export function readerGone(stream: NodeJS.WritableStream): boolean {
  const s = stream as NodeJS.WritableStream & { destroyed?: boolean };
  return gone.has(stream) || s.destroyed === true;
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
