// The output folder: nobody who can write to the current folder can make the next run's folder (or
// plant files in it) first; an --out holding a session is refused unless --reuse-out, which moves and
// overwrites nothing.

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
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { DEFAULT_CAPTURE, runCapture } from '../../src/cli/commands/capture.js';
import { prepareOutDir } from '../../src/cli/out-dir.js';
import type { Progress } from '../../src/capture/progress.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import { runCli } from '../helpers/run-cli.js';
import { tinyScript } from '../helpers/sim-console.js';

let cwd: string;
let umask: number;
beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'xk-outdir-'));
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(cwd, { recursive: true, force: true });
});

const wallNow = Date.UTC(2026, 11, 2, 5, 43, 41);
const mode = (file: string): number => statSync(file).mode & 0o777;

describe('the default output folder', () => {
  it('is made fresh with a random suffix, 0700, even when its dated name was made first', () => {
    // An attacker who can write to cwd pre-creates the dated name (and a few guesses), with a link inside.
    const victim = path.join(cwd, 'victim');
    writeFileSync(victim, 'precious');
    for (const name of ['xenkeys-20261202-054341', 'xenkeys-20261202-054341-000000']) {
      mkdirSync(path.join(cwd, name), { mode: 0o777 });
      symlinkSync(victim, path.join(cwd, name, 'session.cast'));
    }
    const a = prepareOutDir(undefined, { reuse: false, wallNow, cwd });
    const b = prepareOutDir(undefined, { reuse: false, wallNow, cwd });
    expect(path.basename(a.dir)).toMatch(/^xenkeys-20261202-054341-[A-Za-z0-9]{6}$/);
    expect(a.dir).not.toBe(b.dir);
    expect(readdirSync(a.dir)).toEqual([]);
    expect(mode(a.dir)).toBe(0o700);
    expect(a.index).toBe(1);
  });
});

describe('--out', () => {
  it('is made 0700 when missing; an empty existing folder of ours is used as it is', () => {
    const made = prepareOutDir('new/run', { reuse: false, wallNow, cwd });
    expect(made).toEqual({ dir: path.join(cwd, 'new/run'), index: 1, createdTop: path.join(cwd, 'new') });
    expect(mode(made.dir)).toBe(0o700);
    expect(prepareOutDir('new/run', { reuse: false, wallNow, cwd }).index).toBe(1);
  });

  it('refuses a folder holding a session, or a link planted as session.cast, saying what to do', () => {
    mkdirSync(path.join(cwd, 'old'));
    writeFileSync(path.join(cwd, 'old', 'session.raw'), 'x');
    expect(() => prepareOutDir('old', { reuse: false, wallNow, cwd })).toThrow(
      /--out old already holds a session \(session\.raw\)/,
    );
    mkdirSync(path.join(cwd, 'planted'));
    symlinkSync('/etc/passwd', path.join(cwd, 'planted', 'session.cast'));
    expect(() => prepareOutDir('planted', { reuse: false, wallNow, cwd })).toThrow(/already holds a session/);
  });

  it('refuses a file', () => {
    writeFileSync(path.join(cwd, 'f'), '');
    expect(() => prepareOutDir('f', { reuse: false, wallNow, cwd })).toThrow(/not a folder/);
  });
});

describe('capture --reuse-out', () => {
  const silent: Progress = { step() {}, succeed() {}, fail() {}, warn() {}, info() {}, stop() {} };
  const capture = (out: string, reuseOut: boolean) =>
    runCapture(
      () => new SimulatedXenTransport({ script: tinyScript(), clock: systemClock }),
      {
        ...DEFAULT_CAPTURE,
        keys: 'q',
        out,
        reuseOut,
        timing: { quietMs: 50, firstOutputMs: 300, capMs: 5_000 },
      },
      { progress: silent, stdout: new PassThrough(), trapSignals: false },
    );

  it('refuses the second run into the same --out, then with --reuse-out writes beside it, 0600', async () => {
    const out = path.join(cwd, 'run');
    const first = await capture(out, false);
    expect(first.exitCode).toBe(0);
    const names = readdirSync(out).sort();
    expect(names).toEqual(['captures.json', 'report.json', 'report.md', 'session.cast', 'session.raw']);
    const before = Object.fromEntries(names.map((n) => [n, readFileSync(path.join(out, n))]));

    await expect(capture(out, false)).rejects.toThrow(/already holds a session/);
    expect(readdirSync(out).sort()).toEqual(names);

    const second = await capture(out, true);
    expect(second.exitCode).toBe(0);
    const added = readdirSync(out)
      .filter((n) => !names.includes(n))
      .sort();
    expect(added).toEqual([
      'captures-2.json',
      'report-2.json',
      'report-2.md',
      'session-2.cast',
      'session-2.raw',
    ]);
    for (const n of names) expect(readFileSync(path.join(out, n))).toEqual(before[n]);
    for (const n of [...names, ...added]) expect(mode(path.join(out, n))).toBe(0o600);
    expect(mode(out)).toBe(0o700);
    const doc = JSON.parse(readFileSync(path.join(out, 'captures-2.json'), 'utf8')) as {
      files: { cast: string; raw: string };
    };
    expect(doc.files).toEqual({ cast: 'session-2.cast', raw: 'session-2.raw' });
  });
});

describe('the CLI', () => {
  it('refuses an --out holding a session with exit 2 and what to do; --reuse-out goes on', async () => {
    const out = path.join(cwd, 'demo-out');
    const first = await runCli(['demo', '--no-tui', '--keys', 'q', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['demo', '--no-tui', '--keys', 'q', '--out', out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`--out ${out} already holds a session`);
    expect(second.stderr).toContain('--reuse-out');
    const third = await runCli(['demo', '--no-tui', '--keys', 'q', '--out', out, '--reuse-out']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(
      `files: ${out}/{session-2.cast,session-2.raw,captures-2.json,report-2.json,report-2.md}`,
    );
  });
});
