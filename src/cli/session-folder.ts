// A capture's folder given where a session file is expected (`report DIR`, `replay DIR`): the folder
// `capture` and `connect` write is what users have at hand, so it stands for its session.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';

/** A capture folder stands for its session: session.cast (with its markers), else session.raw. */
export async function sessionFileOf(input: string): Promise<string> {
  if (input === '-') return input;
  const info = await stat(input).catch(() => null);
  if (!info?.isDirectory()) return input;
  for (const name of ['session.cast', 'session.raw']) {
    const file = path.join(input, name);
    if ((await stat(file).catch(() => null))?.isFile()) return file;
  }
  throw new XenkeysError('bad-input', `${input} is a folder without session.cast or session.raw`, {
    hint: 'Give a folder written by `xenkeys capture` or `connect`, or the files themselves.',
  });
}
