// The lossless raw log: exactly the bytes the console sent, nothing else (no input, no markers,
// no framing), so byte offsets in output events index straight into it. Written with writeSync
// as bytes arrive, for the same crash-safety as the cast.

import { closeSync, createReadStream, readFileSync } from 'node:fs';
import type { SessionEvent } from '../core/session-event.js';
import { createNewFile, writeAllSync } from './safe-files.js';

export class RawLogWriter {
  private fd: number | null;
  private written = 0;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates `path` as a new 0600 file (never an existing file, never through a link). */
  static open(path: string): RawLogWriter {
    return new RawLogWriter(path, createNewFile(path));
  }

  /** Bytes written so far: the offset the next output byte will have in the file. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Appends an output event's bytes; every other event kind is ignored, as are events after close(). */
  write(event: SessionEvent): void {
    if (event.type === 'output') this.writeBytes(event.bytes);
  }

  writeBytes(bytes: Uint8Array): void {
    if (this.fd === null) return;
    writeAllSync(this.fd, bytes);
    this.written += bytes.length;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** The whole raw log. */
export function readRawLog(path: string): Uint8Array {
  const buffer = readFileSync(path);
  // A plain Uint8Array view, so callers comparing with Uint8Arrays don't trip over Buffer.
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** The raw log in chunks, for logs too big to hold at once. */
export async function* streamRawLog(
  path: string,
  options: { chunkSize?: number } = {},
): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? 64 * 1024 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}
