// Where the package's own files are at run time (works from src/ under vitest and from dist/).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('xenkeys: cannot find the package root');
    dir = up;
  }
  return dir;
}

export function bundledRecording(name: string): string {
  return path.join(packageRoot(), 'recordings', name);
}
