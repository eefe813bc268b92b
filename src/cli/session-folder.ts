// A capture's folder given where a session file is expected (`report DIR`, `replay DIR`, `diff DIR`):
// the folder `capture` and `connect` write is what users have at hand, so it stands for its session.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';

/** A session's files in a capture folder, in the order they are preferred. */
export const SESSION_FILES = ['session.cast', 'session.raw'];

const isFolder = async (p: string): Promise<boolean> =>
  (await stat(p).catch(() => null))?.isDirectory() ?? false;

/** A capture folder stands for its session: session.cast (with its markers), else session.raw. */
export async function sessionFileOf(input: string): Promise<string> {
  if (input === '-' || !(await isFolder(input))) return input;
  for (const name of SESSION_FILES) {
    const file = path.join(input, name);
    if ((await stat(file).catch(() => null))?.isFile()) return file;
  }
  throw new XenkeysError('bad-input', `${input} is a folder without session.cast or session.raw`, {
    hint: 'Give a folder written by `xenkeys capture` or `connect`, or the files themselves.',
  });
}

/** For a report's reader (`diff`): the folder's report.json when it has one, else its session. */
export async function reportFileOf(input: string): Promise<string> {
  if (input === '-' || !(await isFolder(input))) return input;
  const report = path.join(input, 'report.json');
  return (await stat(report).catch(() => null))?.isFile() ? report : sessionFileOf(input);
}
