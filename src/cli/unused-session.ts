// A capture whose connect failed received nothing: its empty session.cast and session.raw (and the
// folders this run created, while nothing else is in them) are removed, so a failed attempt leaves
// no folder behind to be mistaken for a capture.

import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

export async function discardUnusedSession(
  files: readonly string[],
  outDir: string,
  /** What `mkdir(outDir, { recursive: true })` returned: the topmost folder it created, if any. */
  createdTop: string | undefined,
): Promise<void> {
  for (const file of files) await rm(file, { force: true }).catch(() => undefined);
  if (createdTop === undefined) return;
  // rmdir removes only empty folders: anything someone else put there stays.
  for (let dir = outDir; ; dir = path.dirname(dir)) {
    if (
      !(await rmdir(dir).then(
        () => true,
        () => false,
      ))
    )
      return;
    if (dir === createdTop || dir === path.dirname(dir)) return;
  }
}
