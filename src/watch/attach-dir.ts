// Where attach sockets live, and the checks that make them safe to trust: the folder is ours and
// private (0700, our uid, not a symlink), and so is each socket. Both sides check: a watcher refuses
// to listen in, and a client refuses to connect into, a folder someone else could have planted.

import { lstatSync, mkdirSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';
import { consoleNameOf, socketFileName } from './attach-protocol.js';

/** `$XDG_RUNTIME_DIR/xenkeys`, or `/tmp/xenkeys-UID` when there is no (absolute) runtime dir. */
export function defaultAttachDir(env: NodeJS.ProcessEnv = process.env, uid = myUid()): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime && path.isAbsolute(runtime)) return path.join(runtime, 'xenkeys');
  return path.join('/tmp', `xenkeys-${uid}`);
}

export function myUid(): number {
  return process.getuid?.() ?? 0;
}

/** Makes the folder (0700) when missing, then checks it like an existing one. */
export function ensureAttachDir(dir: string): string {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      throw new XenkeysError(
        'write-failed',
        `cannot make the attach folder ${dir}: ${(error as Error).message}`,
        {
          hint: 'Set XDG_RUNTIME_DIR to a private folder of yours (systemd sets it for login sessions).',
        },
      );
    }
  }
  checkAttachDir(dir);
  return dir;
}

/** Throws unless `dir` is a real folder (no symlink), owned by us, with no group/other access. */
export function checkAttachDir(dir: string): void {
  const stats = lstatOrNull(dir);
  if (!stats) {
    throw new XenkeysError('connect-failed', `no watcher is running: ${dir} does not exist`, {
      hint: 'Start one with `xenkeys watch …` (as the same user), or check XDG_RUNTIME_DIR.',
    });
  }
  const fix = `Remove it (or point XDG_RUNTIME_DIR elsewhere): xenkeys only uses a folder that is yours and mode 0700.`;
  if (stats.isSymbolicLink()) throw unsafe(`${dir} is a symbolic link`, fix);
  if (!stats.isDirectory()) throw unsafe(`${dir} is not a folder`, fix);
  if (stats.uid !== myUid()) throw unsafe(`${dir} belongs to uid ${stats.uid}, not to you`, fix);
  if ((stats.mode & 0o077) !== 0)
    throw unsafe(`${dir} is open to others (mode ${(stats.mode & 0o777).toString(8)})`, fix);
}

export function socketPath(dir: string, name: string): string {
  const file = path.join(dir, socketFileName(name));
  // sun_path holds 108 bytes on Linux, including the terminating NUL.
  if (Buffer.byteLength(file) > 107) {
    throw new XenkeysError('usage', `the attach socket path ${file} is too long for a unix socket`, {
      hint: 'Use a shorter console name, or a shorter XDG_RUNTIME_DIR.',
    });
  }
  return file;
}

export type SocketState = 'missing' | 'ours' | 'foreign';

/** What is at a socket path, without following a symlink. */
export function socketState(file: string): { state: SocketState; why?: string } {
  const stats = lstatOrNull(file);
  if (!stats) return { state: 'missing' };
  if (stats.isSymbolicLink()) return { state: 'foreign', why: 'is a symbolic link' };
  if (!stats.isSocket()) return { state: 'foreign', why: 'is not a socket' };
  if (stats.uid !== myUid()) return { state: 'foreign', why: `belongs to uid ${stats.uid}` };
  if ((stats.mode & 0o077) !== 0)
    return { state: 'foreign', why: `is open to others (mode ${(stats.mode & 0o777).toString(8)})` };
  return { state: 'ours' };
}

/** Console names that have a socket in `dir` (sorted); [] when the folder is missing. */
export function listAttachable(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .map((f) => (socketState(path.join(dir, f)).state === 'ours' ? consoleNameOf(f) : null))
    .filter((n): n is string => n !== null)
    .sort();
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function unsafe(message: string, hint: string): XenkeysError {
  return new XenkeysError('usage', `refusing the attach folder: ${message}`, { hint });
}
