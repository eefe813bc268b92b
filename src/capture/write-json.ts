// Write a JSON document atomically (an unpredictable 0600 temp file, then published): a reader never
// sees half a file, and nothing already at `file` is replaced.

import { jsonTerminalSafe } from '../core/text-controls.js';
import { writeFileAtomically } from '../record/safe-files.js';

export async function writeJson(file: string, value: unknown): Promise<void> {
  // C1 and bidi characters as \u escapes: the same JSON, but `cat` cannot act on the terminal.
  writeFileAtomically(file, `${jsonTerminalSafe(JSON.stringify(value, null, 2))}\n`, { replace: false });
}
