// Writing a rendered report: chunk by chunk (a report of a 200 MB log is too big for one string), to a
// temp file renamed into place so a reader never sees half of it, or to stdout, where a reader that
// stops early (`| head`) closes the pipe without that being an error.

import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

export async function writeChunksAtomically(file: string, chunks: Iterable<string>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  try {
    await writeChunks(out, chunks);
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
  } catch (error) {
    out.destroy();
    await rm(tmp, { force: true });
    throw error;
  }
  await rename(tmp, file);
}

export async function writeChunksToStdout(
  stream: NodeJS.WritableStream,
  chunks: Iterable<string>,
): Promise<void> {
  try {
    await writeChunks(stream, chunks);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  }
}

/** Writes with backpressure; rejects with the stream's first error. */
async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let failure: Error | null = null;
  // Left attached: a pipe's error can arrive after the last write has returned.
  stream.on('error', (e: Error) => (failure ??= e));
  for (const chunk of chunks) {
    if (failure) throw failure;
    if (!stream.write(chunk)) await drained(stream);
  }
  if (failure) throw failure;
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
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
