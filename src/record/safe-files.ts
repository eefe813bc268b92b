// Every file and folder xenkeys writes is made here, so none of them can be turned against the user:
// files are created new (O_EXCL: never an existing file) without following a link planted in their
// place (O_NOFOLLOW), mode 0600 (console logs hold what people type at login prompts); folders 0700.
// Whole documents go through a temp file with an unpredictable name, published without replacing
// anything unless the caller asks to replace.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Opens `file` for writing as a new 0600 file; refuses a file, folder or link already there. */
export function createNewFile(file: string): number {
  try {
    return openSync(file, CREATE_NEW, FILE_MODE);
  } catch (error) {
    throw refusal(file, error);
  }
}

/** Writes all of `bytes` (writeSync may write less than asked on full disks or pipes). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** A new 0600 temp file beside `file`, named so nobody can guess it in advance. */
export function createTempBeside(file: string): { fd: number; path: string } {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  return { fd: createNewFile(tmp), path: tmp };
}

/**
 * Puts a finished temp file in place as `file`. Without `replace`, a file already there is left alone and
 * the publish refused (a hard link cannot replace; rename would). With it, whatever is at `file` — a
 * planted link included — is replaced, never written through.
 */
export function publish(tmp: string, file: string, options: { replace: boolean }): void {
  try {
    if (options.replace) return renameSync(tmp, file);
    try {
      linkSync(tmp, file);
    } catch (error) {
      // File systems without hard links: rename, having checked nothing is there.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') || exists(file)) throw error;
      renameSync(tmp, file);
      return;
    }
    unlinkSync(tmp);
  } catch (error) {
    removeQuietly(tmp);
    throw refusal(file, error);
  }
}

/** A whole document written atomically: readers see the old state or all of it, never half. */
export function writeFileAtomically(
  file: string,
  data: string | Uint8Array,
  options: { replace: boolean },
): void {
  const tmp = createTempBeside(file);
  try {
    writeAllSync(tmp.fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    closeSync(tmp.fd);
  } catch (error) {
    closeQuietly(tmp.fd);
    removeQuietly(tmp.path);
    throw error;
  }
  publish(tmp.path, file, options);
}

/**
 * Makes `dir` (and missing parents) 0700. Returns the topmost folder it made, or null when `dir`
 * already existed (the caller judges it).
 */
export function makePrivateDir(dir: string): string | null {
  let top: string | undefined;
  try {
    top = mkdirSync(path.dirname(dir), { recursive: true, mode: DIR_MODE });
  } catch (error) {
    // A recursive mkdir meeting a file on the way says EEXIST; what it means is "not a folder".
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path.dirname(dir)}'`), {
      code: 'ENOTDIR',
    });
  }
  try {
    mkdirSync(dir, { mode: DIR_MODE });
    return top ?? dir;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return null;
  }
}

/** A new 0700 folder `prefix` + six random characters, made atomically: nobody can make it first. */
export function makeUniqueDir(prefix: string): string {
  return mkdtempSync(prefix);
}

/**
 * A new 0600 file `name` in a fresh 0700 folder of the temp folder (TMPDIR): a private scratch file.
 * A temp folder that is missing, full or read-only is a write failure that says so, with `hint`.
 */
export function createPrivateFile(
  prefix: string,
  name: string,
  hint: string,
): { dir: string; file: string; fd: number } {
  let dir: string | null = null;
  try {
    dir = makeUniqueDir(path.join(os.tmpdir(), prefix));
    const file = path.join(dir, name);
    return { dir, file, fd: createNewFile(file) };
  } catch (error) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw writeFailure(error, dir ?? os.tmpdir(), hint);
  }
}

export function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone, or never made.
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function refusal(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EEXIST' && code !== 'ELOOP') return error;
  // O_EXCL finds a planted link as EEXIST; O_NOFOLLOW alone as ELOOP.
  if (isLink(file))
    return new XenkeysError('write-failed', `${file} is a symbolic link: xenkeys never writes through one`, {
      hint: 'Someone may have planted it there; remove it, or write somewhere else.',
      cause: error,
    });
  return new XenkeysError('write-failed', `${file} already exists: xenkeys never overwrites a file`, {
    hint: 'Move it away, or write somewhere else.',
    cause: error,
  });
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Opens `file` to append (an event log kept across restarts): made 0600 if missing, never through a
 * link, and only if it is a plain file.
 */
export function openForAppend(file: string): number {
  try {
    return openSync(
      file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      FILE_MODE,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP' && isLink(file))
      throw new XenkeysError('write-failed', `${file} is a symbolic link: xenkeys never writes through one`, {
        hint: 'Someone may have planted it there; remove it, or write somewhere else.',
        cause: error,
      });
    throw error;
  }
}

/** Makes `dir` 0700, or accepts an existing folder; refuses a link or a file in its place. */
export function ensurePrivateDir(dir: string): void {
  if (makePrivateDir(dir) !== null) return;
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new XenkeysError(
      'write-failed',
      `${dir} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`,
      {
        hint: 'xenkeys never writes through a link: remove it, or choose another --out.',
      },
    );
}

/** "session.raw: no space left on device (ENOSPC)": what a failed write says to a user. */
export function describeWriteError(error: NodeJS.ErrnoException, file: string): string {
  const what: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such folder',
    ENOTDIR: 'a part of the path is not a folder',
    EIO: 'input/output error',
    EEXIST: 'already exists',
    ELOOP: 'is a symbolic link',
  };
  const reason = (error.code && what[error.code]) ?? error.message;
  return `${file}: ${reason}${error.code ? ` (${error.code})` : ''}`;
}

/** A write to `file` that failed, as the error a user can act on (one of ours is passed on as it is). */
export function writeFailure(error: unknown, file: string, hint: string): XenkeysError {
  if (error instanceof XenkeysError) return error;
  const message = `cannot write ${describeWriteError(error as NodeJS.ErrnoException, file)}`;
  return new XenkeysError('write-failed', message, { hint, cause: error });
}
