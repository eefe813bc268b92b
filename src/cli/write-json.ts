// Write a JSON document atomically (an unpredictable 0600 temp file, then published): a reader never
// sees half a file, and nothing already at `file` is replaced.

import { writeFileAtomically } from '../record/safe-files.js';

export async function writeJson(file: string, value: unknown): Promise<void> {
  writeFileAtomically(file, `${JSON.stringify(value, null, 2)}\n`, { replace: false });
}
