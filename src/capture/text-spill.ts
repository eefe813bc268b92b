// Where `xenkeys report` puts the text of a capture too long to hold in memory (report/text-rest.ts):
// a private temp file (0600 in a fresh 0700 folder), made only when a capture first needs it, appended
// in blocks, read back in pieces by range — by this thread or the report worker — and removed when done.

import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { createPrivateFile, writeAllSync, writeFailure } from '../record/safe-files.js';
import type { RestReader, TextRest, TextSpill } from '../report/text-rest.js';

const BLOCK = 1024 * 1024;
/** Read back in small pieces: each dies young (a MiB-sized string would wait for a full collection). */
const READ_BLOCK = 64 * 1024;
const TMP_HINT =
  'A report keeps the text of a key too long to hold in the temp folder until it is written: free space there, or point TMPDIR at a folder with room.';

export interface DisposableTextSpill extends TextSpill {
  /** Close and remove the file, if one was made (also after a failure; safe to call again). */
  dispose(): void;
}

export function openTextSpill(): DisposableTextSpill {
  let file: { dir: string; path: string; fd: number } | null = null;
  let queue: string[] = [];
  let queued = 0;
  let size = 0;
  let from = 0;
  const flush = (): void => {
    if (queue.length === 0) return;
    if (!file) {
      const made = createPrivateFile('xenkeys-text-', 'text', TMP_HINT);
      file = { dir: made.dir, path: made.file, fd: made.fd };
    }
    const bytes = Buffer.from(queue.join(''), 'utf8');
    try {
      writeAllSync(file.fd, bytes);
    } catch (error) {
      throw writeFailure(error, file.path, TMP_HINT);
    }
    size += bytes.length;
    queue = [];
    queued = 0;
  };
  return {
    begin() {
      flush();
      from = size;
    },
    write(text) {
      queue.push(text);
      queued += text.length;
      if (queued >= BLOCK) flush();
    },
    end(): TextRest {
      flush();
      return { spill: file?.path ?? '', at: from, length: size - from };
    },
    read: readSpilled,
    dispose() {
      if (!file) return;
      closeSync(file.fd);
      rmSync(file.dir, { recursive: true, force: true });
      file = null;
    },
  };
}

/** A rest read back from its spill file, a block at a time, as whole characters. */
export const readSpilled: RestReader = function* (rest) {
  if (rest.length === 0) return;
  const fd = openSync(rest.spill, 'r');
  try {
    const decoder = new TextDecoder('utf-8');
    const buffer = Buffer.alloc(READ_BLOCK);
    for (let at = rest.at, left = rest.length; left > 0;) {
      const n = readSync(fd, buffer, 0, Math.min(READ_BLOCK, left), at);
      if (n === 0) throw new Error(`${rest.spill} ends before its text does`);
      at += n;
      left -= n;
      yield decoder.decode(buffer.subarray(0, n), { stream: left > 0 });
    }
  } finally {
    closeSync(fd);
  }
};
