// Where a streamed Markdown or HTML report puts its captures aside until the end (report/spooled-
// stream.ts): a private temp file (0600 in a fresh 0700 folder), one JSON line per capture, written
// and read back in pieces, removed when done. Memory holds one capture at a time.

import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReportCapture } from '../report/model.js';
import type { CaptureSpool } from '../report/spooled-stream.js';
import { createNewFile, makeUniqueDir, writeAllSync } from '../record/safe-files.js';

const BLOCK = 1024 * 1024;
/**
 * Captures queued for the file are written once this much is queued: little, so the queued strings die
 * young (held longer they outlive a young collection and then wait in the old space for a full one).
 */
const WRITE_BYTES = 256 * 1024;

export interface DisposableSpool extends CaptureSpool {
  /** The spool file (in a folder of its own). */
  readonly file: string;
  /** Close and remove the file (also after a failure). */
  dispose(): void;
}

export function openCaptureSpool(): DisposableSpool {
  const dir = makeUniqueDir(path.join(os.tmpdir(), 'xenkeys-report-'));
  const file = path.join(dir, 'captures.jsonl');
  const fd = createNewFile(file);
  let queue: string[] = [];
  let queued = 0;
  let disposed = false;
  const flush = (): void => {
    if (queue.length === 0) return;
    writeAllSync(fd, Buffer.from(queue.join(''), 'utf8'));
    queue = [];
    queued = 0;
  };
  return {
    file,
    add(capture) {
      // JSON escapes every newline inside strings: a line is one capture.
      const line = `${JSON.stringify(capture)}\n`;
      queue.push(line);
      queued += line.length;
      if (queued >= WRITE_BYTES) flush();
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

/** The JSON lines of a file, parsed one at a time. */
function* records(fd: number): Generator<ReportCapture> {
  const buffer = Buffer.alloc(BLOCK);
  let pieces: Buffer[] = [];
  for (let n = readSync(fd, buffer, 0, BLOCK, null); n > 0; n = readSync(fd, buffer, 0, BLOCK, null)) {
    let from = 0;
    for (let nl = buffer.indexOf(0x0a, from); nl !== -1 && nl < n; nl = buffer.indexOf(0x0a, from)) {
      pieces.push(buffer.subarray(from, nl));
      const line = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
      pieces = [];
      yield JSON.parse(line.toString('utf8')) as ReportCapture;
      from = nl + 1;
    }
    // A copy: the buffer is read into again.
    if (from < n) pieces.push(Buffer.from(buffer.subarray(from, n)));
  }
}
