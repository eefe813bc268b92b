// Writing a rendered report: chunk by chunk (a report of a 200 MB log is too big for one string), to a
// 0600 temp file with an unpredictable name put in place at the end so a reader never sees half of it
// (a device such as /dev/null is written in place), or to stdout, where a reader that stops early
// (`| head`) closes the pipe without that being an error.

import { closeSync, constants, lstatSync, openSync, type Stats } from 'node:fs';
import { XenkeysError } from '../core/errors.js';
import {
  createTempBeside,
  publish,
  removeQuietly,
  writeAllSync,
  writeFailure,
} from '../record/safe-files.js';
import { claimErrors, drained } from './closed-pipe.js';

/** `replace`: a file the user named (`-o FILE`) is replaced; files of a session are only ever new. */
export interface FileOutputOptions {
  replace: boolean;
}

export async function writeChunksAtomically(
  file: string,
  chunks: Iterable<string>,
  options: FileOutputOptions = { replace: true },
): Promise<void> {
  const out = await fileOutput(file, options);
  try {
    for (const chunk of chunks) out.write(chunk);
    await out.close();
  } catch (error) {
    await out.abort();
    throw error;
  }
}

export async function writeChunksToStdout(
  stream: NodeJS.WritableStream,
  chunks: Iterable<string>,
): Promise<void> {
  try {
    await writeChunks(stream, chunks);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw writeFailure(error, 'stdout', STDOUT_HINT);
  }
}

const STDOUT_HINT =
  'Where stdout goes has no room for it: free some space, or write the report to a file with -o.';

/** Writes with backpressure; rejects with the stream's first error. */
async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let failure: Error | null = null;
  // Left attached: a pipe's error can arrive after the last write has returned.
  stream.on('error', (e: Error) => (failure ??= e));
  claimErrors(stream);
  for (const chunk of chunks) {
    if (failure) throw failure;
    if (!stream.write(chunk)) await drained(stream);
  }
  if (failure) throw failure;
}

/** Output written piece by piece while the input is still read: queue with `write`, drain with `flush`. */
export interface ChunkOutput {
  write(chunk: string): void;
  /** Pieces written in order, taken only as the destination can take them (a capture's huge text). */
  writeAll(pieces: Iterable<string>): void;
  /** Writes what is queued; resolves when the destination can take more. */
  flush(): Promise<void>;
  /** Everything written: the file is renamed into place. */
  close(): Promise<void>;
  /** Something failed: a file's temp copy is removed. */
  abort(): Promise<void>;
}

const FILE_HINT = 'Check that its folder exists and has room, or write the report somewhere else.';

/**
 * Queued text is written once there is this much of it (and at every flush). Little: queued strings
 * that outlive a young collection wait in the old space for a full one (4 MiB here cost a Markdown
 * report of a 200 MiB log 130 MB of peak memory).
 */
const WRITE_BYTES = 256 * 1024;

/**
 * To a file: a temp file beside it, written synchronously (a file takes writes at once: no stream to
 * buffer for), put in place by close() — replacing what was there (a link is replaced, never followed)
 * only with `replace`. A device or fifo (`-o /dev/null`) is written in place: renaming over it would
 * replace the device with a file.
 */
export async function fileOutput(
  file: string,
  options: FileOutputOptions = { replace: true },
): Promise<ChunkOutput> {
  const existing = lstatOrNull(file);
  if (existing?.isDirectory())
    throw new XenkeysError('write-failed', `cannot write ${file}: it is a folder`, {
      hint: 'Give -o a file name, such as report.json in that folder.',
    });
  const direct = existing !== null && (existing.isCharacterDevice() || existing.isFIFO());
  let temp: { fd: number; path: string } | null = null;
  let fd: number;
  try {
    temp = direct ? null : createTempBeside(file);
    fd = temp ? temp.fd : openSync(file, constants.O_WRONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw writeFailure(error, file, FILE_HINT);
  }
  // Text is encoded into one reused buffer as it comes and written from there: a buffer and a system
  // call per chunk (a capture) cost twice as much as the encoding itself, and a fresh buffer per piece
  // is memory outside the heap that waits for a collection to be given back.
  const buffer = Buffer.allocUnsafe(4 * WRITE_BYTES);
  let used = 0;
  let closed = false;
  const writeOut = (bytes: Uint8Array): void => {
    try {
      writeAllSync(fd, bytes);
    } catch (error) {
      throw writeFailure(error, file, FILE_HINT);
    }
  };
  const flushSync = (): void => {
    if (used > 0) writeOut(buffer.subarray(0, used));
    used = 0;
  };
  const write = (chunk: string): void => {
    // A UTF-16 unit is at most 3 bytes of UTF-8: a chunk that might not fit goes after what is queued.
    if (chunk.length * 3 > buffer.length - used) flushSync();
    if (chunk.length * 3 > buffer.length) writeOut(Buffer.from(chunk, 'utf8'));
    else used += buffer.write(chunk, used, 'utf8');
    if (used >= WRITE_BYTES) flushSync();
  };
  return {
    write,
    writeAll: (pieces) => {
      for (const piece of pieces) write(piece);
    },
    flush: async () => flushSync(),
    close: async () => {
      try {
        flushSync();
      } finally {
        closed = true;
        closeSync(fd);
      }
      try {
        if (temp) publish(temp.path, file, options);
      } catch (error) {
        throw writeFailure(error, file, FILE_HINT);
      }
    },
    abort: async () => {
      if (!closed) closeSync(fd);
      closed = true;
      if (temp) removeQuietly(temp.path);
    },
  };
}

/** To stdout (or any stream), with backpressure; a reader that stops early is not an error. */
export function streamOutput(stream: NodeJS.WritableStream): ChunkOutput {
  // Strings, and pieces not taken yet (read as the stream drains, so a huge text is never all queued).
  let queue: (string | Iterable<string>)[] = [];
  let failure: Error | null = null;
  let gone = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') gone = true;
    else failure ??= writeFailure(e, 'stdout', STDOUT_HINT);
  });
  claimErrors(stream);
  const send = async (text: string): Promise<void> => {
    if (text !== '' && !gone && !stream.write(text)) await drained(stream);
    if (failure) throw failure;
  };
  const flush = async (): Promise<void> => {
    if (failure) throw failure;
    const entries = queue;
    queue = [];
    let text = '';
    for (const entry of entries) {
      if (gone) return;
      if (typeof entry === 'string') text += entry;
      else
        for (const piece of entry) {
          text += piece;
          if (text.length < WRITE_BYTES) continue;
          await send(text);
          text = '';
        }
    }
    await send(text);
  };
  return {
    write: (chunk) => void (gone || queue.push(chunk)),
    writeAll: (pieces) => void (gone || queue.push(pieces)),
    flush,
    close: flush,
    abort: async () => undefined,
  };
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}
