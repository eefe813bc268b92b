// Where a streamed Markdown or HTML page puts its captures' parts aside until the end (report/spooled-
// stream.ts): a private temp file (0600 in a fresh 0700 folder), removed when done. Records, each a kind
// byte, a 32-bit length and that many bytes: 'T' rendered text (UTF-8), 'C' a capture to render at the
// end (JSON). Written and read back in pieces: memory holds a block, or one held capture.

import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ReportCapture } from '../report/model.js';
import type { PageSpool } from '../report/spooled-stream.js';
import { createPrivateFile, writeAllSync, writeFailure } from '../record/safe-files.js';

const BLOCK = 1024 * 1024;
/**
 * Text queued for the file is written once this much is queued: little, so the queued strings die
 * young (held longer they outlive a young collection and then wait in the old space for a full one).
 */
const WRITE_CHARS = 256 * 1024;
const HEADER = 5;
const TMP_HINT =
  'A Markdown or HTML report keeps its captures in the temp folder until the end: free space there, or point TMPDIR at a folder with room.';
const TEXT = 0x54; // 'T'
const CAPTURE = 0x43; // 'C'

export interface DisposableSpool extends PageSpool {
  /** The spool file (in a folder of its own). */
  readonly file: string;
  /** Close and remove the file (also after a failure). */
  dispose(): void;
}

export function openPageSpool(): DisposableSpool {
  const { dir, file, fd } = createPrivateFile('xenkeys-report-', 'page.spool', TMP_HINT);
  let queue: string[] = [];
  let queued = 0;
  let disposed = false;
  const record = (kind: number, text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    const header = Buffer.alloc(HEADER);
    header[0] = kind;
    header.writeUInt32LE(bytes.length, 1);
    try {
      writeAllSync(fd, header);
      writeAllSync(fd, bytes);
    } catch (error) {
      throw writeFailure(error, file, TMP_HINT);
    }
  };
  const flush = (): void => {
    if (queue.length === 0) return;
    record(TEXT, queue.join(''));
    queue = [];
    queued = 0;
  };
  return {
    file,
    text(chunk) {
      queue.push(chunk);
      queued += chunk.length;
      if (queued >= WRITE_CHARS) flush();
    },
    capture(capture) {
      flush();
      record(CAPTURE, JSON.stringify(capture));
    },
    *read() {
      flush();
      const reader = openSync(file, 'r');
      try {
        yield* records(reader);
      } finally {
        closeSync(reader);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The records of a spool file: text in pieces of at most a block, captures whole. */
function* records(fd: number): Generator<string | ReportCapture> {
  const block = Buffer.alloc(BLOCK);
  const header = Buffer.alloc(HEADER);
  while (readExactly(fd, header) === HEADER) {
    const kind = header[0];
    let left = header.readUInt32LE(1);
    if (kind === CAPTURE) {
      const bytes = Buffer.alloc(left);
      if (readExactly(fd, bytes) !== left) throw new Error('the report spool was cut short');
      yield JSON.parse(bytes.toString('utf8')) as ReportCapture;
      continue;
    }
    // A piece may end inside a character: the decoder keeps its first bytes for the next piece.
    const decoder = new StringDecoder('utf8');
    while (left > 0) {
      const piece = block.subarray(0, Math.min(left, BLOCK));
      if (readExactly(fd, piece) !== piece.length) throw new Error('the report spool was cut short');
      left -= piece.length;
      yield decoder.write(piece);
    }
    const end = decoder.end();
    if (end) yield end;
  }
}

/** Reads until `into` is full or the file ends; returns the bytes read. */
function readExactly(fd: number, into: Buffer): number {
  let at = 0;
  while (at < into.length) {
    const n = readSync(fd, into, at, into.length - at, null);
    if (n === 0) break;
    at += n;
  }
  return at;
}
