// Write a JSON document atomically (temp file + rename): a reader never sees half a file.

import { rename, writeFile } from 'node:fs/promises';

export async function writeJson(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, file);
}
