// Files xenkeys writes cannot be turned against the user: a link planted where a file will go is
// refused (its target untouched), nothing existing is overwritten, files are 0600 whatever the umask,
// and a temp file is never predictable nor left behind.

import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isXenkeysError } from '../../src/core/errors.js';
import { fileOutput, writeChunksAtomically } from '../../src/capture/report-output.js';
import { openSessionFiles } from '../../src/cli/session-files.js';
import { writeJson } from '../../src/capture/write-json.js';
import { CastWriter } from '../../src/record/cast-writer.js';
import { RawLogWriter } from '../../src/record/raw-log.js';
import { makePrivateDir } from '../../src/record/safe-files.js';

let dir: string;
let victim: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'xk-safe-'));
  victim = path.join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  // The most permissive umask: the modes must come from xenkeys, not from the user's umask.
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string): number => statSync(file).mode & 0o777;
const plant = (name: string): string => {
  const file = path.join(dir, name);
  symlinkSync(victim, file);
  return file;
};
const header = { version: 2 as const, width: 80, height: 24 };

/** Each way xenkeys writes a file in a session folder, by the file's name. */
const writers: Record<string, (file: string) => Promise<unknown> | unknown> = {
  'session.cast': (file) => CastWriter.open(file, header).close(),
  'session.raw': (file) => RawLogWriter.open(file).close(),
  'captures.json': (file) => writeJson(file, { ok: true }),
  'report.json': (file) => writeChunksAtomically(file, ['{}\n'], { replace: false }),
  'report.md': (file) => writeChunksAtomically(file, ['# report\n'], { replace: false }),
};

describe('session files', () => {
  for (const [name, write] of Object.entries(writers)) {
    it(`${name}: a planted symlink is refused and its target untouched`, async () => {
      const file = plant(name);
      await expect(async () => write(file)).rejects.toSatisfy(isXenkeysError);
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      expect(readdirSync(dir).sort()).toEqual([name, 'victim.txt'].sort());
    });

    it(`${name}: an existing file is refused, not overwritten; a new one is 0600`, async () => {
      const file = path.join(dir, name);
      writeFileSync(file, 'mine\n');
      await expect(async () => write(file)).rejects.toThrow(/already exists/);
      expect(readFileSync(file, 'utf8')).toBe('mine\n');
      // Nothing left behind (no temp file).
      expect(readdirSync(dir).sort()).toEqual([name, 'victim.txt'].sort());

      rmSync(file);
      await write(file);
      expect(mode(file)).toBe(0o600);
    });
  }

  it('a link planted at session.raw takes back the session.cast just made', () => {
    plant('session.raw');
    expect(() => openSessionFiles(dir, { title: 't', wallStart: 0, recordInput: false })).toThrow(
      /symbolic link/,
    );
    expect(readdirSync(dir).sort()).toEqual(['session.raw', 'victim.txt']);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('folders are made 0700, parents included', () => {
    const nested = path.join(dir, 'a', 'b');
    expect(makePrivateDir(nested)).toBe(path.join(dir, 'a')); // the topmost folder it made
    expect(mode(nested)).toBe(0o700);
    expect(mode(path.join(dir, 'a'))).toBe(0o700);
    expect(makePrivateDir(nested)).toBeNull();
  });
});

describe('report -o FILE', () => {
  it('replaces a planted symlink with the report instead of writing through it', async () => {
    const file = plant('report.html');
    await writeChunksAtomically(file, ['<p>report</p>\n']);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(file, 'utf8')).toBe('<p>report</p>\n');
    expect(statSync(file).isFile()).toBe(true);
    expect(mode(file)).toBe(0o600);
  });

  it('writes through a temp file nobody can guess, and leaves none behind when it fails', async () => {
    const file = path.join(dir, 'r.json');
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const out = await fileOutput(file);
      out.write('{}');
      const temps = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
      expect(temps).toHaveLength(1);
      expect(temps[0]).not.toContain(String(process.pid));
      seen.add(temps[0]!);
      await out.abort();
    }
    expect(seen.size).toBe(3);
    expect(readdirSync(dir)).toEqual(['victim.txt']);

    // A renderer that throws half way: no temp file, no report.
    const failing = function* (): Generator<string> {
      yield 'half';
      throw new Error('renderer broke');
    };
    await expect(writeChunksAtomically(file, failing())).rejects.toThrow('renderer broke');
    expect(readdirSync(dir)).toEqual(['victim.txt']);
  });

  it('writes a device in place (-o /dev/null)', async () => {
    await writeChunksAtomically('/dev/null', ['nothing\n']);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it.each([false, true])('refuses a name that is a folder, before writing (replace: %s)', async (replace) => {
    mkdirSync(path.join(dir, 'report.md'));
    await expect(writeChunksAtomically(path.join(dir, 'report.md'), ['x'], { replace })).rejects.toThrow(
      /report\.md: it is a folder/,
    );
    expect(readdirSync(dir).sort()).toEqual(['report.md', 'victim.txt']);
    expect(readdirSync(path.join(dir, 'report.md'))).toEqual([]);
  });
});
