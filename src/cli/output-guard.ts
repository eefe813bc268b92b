// `report in.raw -o in.raw` would put the report in place of the log it is read from — after a hang
// that log may be the only record there is. Refused before anything is read. Only the same directory
// entry counts: a link named by -o is replaced, not followed, so the file behind it stays.

import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';
import { SESSION_FILES } from './session-folder.js';

export function refuseOutputOverInput(output: string | undefined, inputs: readonly string[]): void {
  if (output === undefined || output === '-') return;
  const entry = realEntry(output);
  if (entry === null) return;
  for (const input of inputs) {
    if (input === '-') continue;
    const real = realOrNull(input);
    if (real === null) continue;
    const inFolder =
      statSync(real, { throwIfNoEntry: false })?.isDirectory() === true &&
      path.dirname(entry) === real &&
      SESSION_FILES.includes(path.basename(entry));
    if (entry === real || inFolder)
      throw new XenkeysError(
        'usage',
        `-o ${output} is the input ${input}: what is written would replace it`,
        {
          hint: 'Give -o another file name.',
        },
      );
  }
}

/** The directory entry `file` names: its folder resolved, its own name kept (a link is not followed). */
function realEntry(file: string): string | null {
  const dir = realOrNull(path.dirname(path.resolve(file)));
  return dir === null ? null : path.join(dir, path.basename(file));
}

function realOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}
