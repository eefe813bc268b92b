// The folder `capture` writes is what a user has at hand after a hang: replay and diff take it as
// report does (they failed with EISDIR, diff with an internal error). And replay to a stdout that
// cannot take it (a full disk) says so once and fails (it printed the error once per write, exit 0).

import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';

const DIR = path.join(ROOT, 'recordings/xen-4.17-boot-and-keys');

describe('a capture folder as the input', () => {
  it('replay DIR plays its session.cast', async () => {
    const fromDir = await runCli(['replay', DIR, '--no-tui', '--speed', 'max']);
    const fromCast = await runCli(['replay', path.join(DIR, 'session.cast'), '--no-tui', '--speed', 'max']);
    expect(fromDir.code).toBe(0);
    expect(fromDir.stdout.length).toBeGreaterThan(1000);
    expect(fromDir.stdout).toBe(fromCast.stdout);
  });

  it('replay DIR without a session.cast plays its session.raw', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-folder-'));
    copyFileSync(path.join(DIR, 'session.raw'), path.join(dir, 'session.raw'));
    const run = await runCli(['replay', dir, '--no-tui', '--speed', 'max']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("'q' pressed -> dumping domain info");
  });

  it('a folder that holds no session is refused with what to give instead', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-folder-'));
    for (const args of [
      ['replay', dir, '--no-tui'],
      ['diff', dir],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(14);
      expect(run.stderr).toContain(`${dir} is a folder without session.cast or session.raw`);
      expect(run.stderr).not.toMatch(/internal error|EISDIR/);
    }
  });

  it('diff DIR DIR compares the folders’ reports', async () => {
    const run = await runCli(['diff', DIR, DIR, '--format', 'json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ a: DIR, b: DIR });
    // The folder's own report.json, read back: the same comparison as naming it.
    const file = path.join(DIR, 'report.json');
    const named = await runCli(['diff', file, file, '--format', 'json']);
    expect({ ...doc, a: file, b: file }).toEqual(JSON.parse(named.stdout));
  });
});

describe('replay to a stdout that cannot take it', () => {
  it('> /dev/full: one message saying why, exit 16 (write-failed)', async () => {
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', `"${process.execPath}" "${BIN}" replay "$1" --no-tui --speed max > /dev/full`, 'xenkeys', DIR],
        { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
        (error, _stdout, stderr) => resolve({ code: Number(error?.code ?? 0), stderr }),
      );
    });
    expect(run.code).toBe(16);
    expect(run.stderr.trim().split('\n')).toEqual([
      'xenkeys: cannot write stdout: no space left on device (ENOSPC)',
      'Where stdout goes has no room for it: free some space, or send it to another disk.',
    ]);
  });
});

describe('diff of a report.json that does not hold the contract', () => {
  const write = (doc: unknown): string => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xk-diff-doc-')), 'report.json');
    writeFileSync(file, JSON.stringify(doc));
    return file;
  };
  const real = (): Record<string, unknown> =>
    JSON.parse(readFileSync(path.join(DIR, 'report.json'), 'utf8')) as Record<string, unknown>;

  it('a cut or foreign document is refused with where it breaks it (was an internal error)', async () => {
    const noCaptures = write({ schema: 'xenkeys.report/1' });
    const run = await runCli(['diff', noCaptures, path.join(DIR, 'report.json')]);
    expect(run.code).toBe(14);
    expect(run.stderr).toContain(`${noCaptures} does not hold a whole xenkeys.report/1 report: source.kind`);
    expect(run.stderr).toContain('Give the report.json xenkeys wrote');
    expect(run.stderr).not.toMatch(/internal error|TypeError/);
    const doc = real();
    (doc['captures'] as Record<string, unknown>[])[0] = { key: 'q', text: 5 };
    const badCapture = await runCli(['diff', write(doc)]);
    expect(badCapture.code).toBe(14);
    expect(badCapture.stderr).toMatch(
      /captures\[0\]\.description, captures\[0\]\.start, captures\[0\]\.lines/,
    );
  });

  it('extras it lacks (a run queue) are left out, not a crash', async () => {
    const doc = real();
    for (const c of doc['captures'] as { key: string; parsed: { cpus?: Record<string, unknown>[] } | null }[])
      if (c.key === 'r') for (const cpu of c.parsed?.cpus ?? []) delete cpu['queue'];
    const run = await runCli(['diff', write(doc), path.join(DIR, 'report.json')]);
    expect(run.stderr).not.toMatch(/internal error|TypeError/);
    expect(run.code).toBe(0);
  });
});
