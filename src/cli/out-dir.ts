// The folder a session is written to (capture, connect, demo). The default is made atomically with a
// random suffix (./xenkeys-DATE-TIME-XXXXXX, 0700), so nobody who can write to the current folder can
// make it, or plant files in it, first. A named --out is made 0700 if missing; one that already holds
// a session is refused unless --reuse-out, which writes this run beside it under the next free
// number (session-2.cast, captures-2.json, …): nothing there is moved or overwritten.

import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';
import { makePrivateDir, makeUniqueDir } from '../record/safe-files.js';

export interface OutDir {
  readonly dir: string;
  /** 1 for session.cast, captures.json…; N for session-N.cast, captures-N.json… */
  readonly index: number;
  /** The topmost folder this run made, if any (a run that recorded nothing removes it again). */
  readonly createdTop?: string;
}

/** `session` + index 1 → session; index 3 → session-3. */
export function numbered(stem: string, index: number): string {
  return index <= 1 ? stem : `${stem}-${index}`;
}

const SESSION_FILE = /^(?:session|captures|report)(?:-(\d+))?\.(?:cast|raw|json|md|html)$/;

export interface OutDirOptions {
  reuse: boolean;
  wallNow: number;
  /** Where relative paths and the default folder go (the working directory). */
  cwd?: string;
}

export function prepareOutDir(out: string | undefined, options: OutDirOptions): OutDir {
  const cwd = options.cwd ?? process.cwd();
  if (out === undefined) {
    const dir = makeUniqueDir(path.resolve(cwd, `${defaultStem(options.wallNow)}-`));
    return { dir, index: 1, createdTop: dir };
  }
  const dir = path.resolve(cwd, out);
  const createdTop = makePrivateDir(dir);
  if (createdTop) return { dir, index: 1, createdTop };
  const stat = statSync(dir);
  if (!stat.isDirectory())
    throw new XenkeysError('usage', `--out ${out}: not a folder`, {
      hint: 'Give a folder (made if missing).',
    });
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new XenkeysError('usage', `--out ${out}: the folder belongs to someone else (uid ${stat.uid})`, {
      hint: 'Its owner could read or swap the session files: give a folder of your own.',
    });
  }
  const taken = readdirSync(dir).flatMap((name) => {
    const m = SESSION_FILE.exec(name);
    return m ? [{ name, index: m[1] === undefined ? 1 : Number(m[1]) }] : [];
  });
  if (taken.length === 0) return { dir, index: 1 };
  if (!options.reuse) {
    throw new XenkeysError('usage', `--out ${out} already holds a session (${taken[0]!.name})`, {
      hint:
        'Give a new folder (or leave --out off for a fresh ./xenkeys-DATE-TIME-XXXXXX), or add --reuse-out ' +
        'to write this run beside it as session-N.* (nothing there is moved or overwritten).',
    });
  }
  return { dir, index: Math.max(...taken.map((t) => t.index)) + 1 };
}

function defaultStem(wallNow: number): string {
  const stamp = new Date(wallNow).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `xenkeys-${stamp}`;
}
