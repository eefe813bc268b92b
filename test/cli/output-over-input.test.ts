// `report in.raw -o in.raw` replaced the log with its own report, silently (exit 0): after a hang that
// log may be the only record. -o naming an input (or a capture folder's session file) is refused before
// anything is read; a link named by -o is still replaced, not followed, so its target stays.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';

const RAW = path.join(ROOT, 'recordings/xen-4.17-guests/session.raw');

describe('-o naming an input', () => {
  it('report LOG -o LOG, however spelled, is refused and LOG kept (exit 2)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-over-'));
    const log = path.join(dir, 'in.raw');
    copyFileSync(RAW, log);
    for (const output of [
      log,
      path.join(dir, '.', 'in.raw'),
      path.join(dir, '..', path.basename(dir), 'in.raw'),
    ]) {
      const run = await runCli(['report', log, '-o', output]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`-o ${output} is the input ${log}: what is written would replace it`);
    }
    // Through a link to it, as the input: still the same file.
    symlinkSync(log, path.join(dir, 'link.raw'));
    expect((await runCli(['report', path.join(dir, 'link.raw'), '-o', log])).code).toBe(2);
    expect(readFileSync(log)).toEqual(readFileSync(RAW));
  });

  it("a capture folder's session file, and diff's inputs, are refused too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-over-'));
    const cap = path.join(dir, 'cap');
    mkdirSync(cap);
    copyFileSync(RAW, path.join(cap, 'session.raw'));
    const run = await runCli(['report', cap, '-o', path.join(cap, 'session.raw')]);
    expect(run.code).toBe(2);
    const made = await runCli(['report', cap, '-o', path.join(cap, 'report.json')]);
    expect(made.code).toBe(0);
    const diff = await runCli(['diff', path.join(cap, 'report.json'), '-o', path.join(cap, 'report.json')]);
    expect(diff.code).toBe(2);
    expect(readFileSync(path.join(cap, 'session.raw'))).toEqual(readFileSync(RAW));
    expect(JSON.parse(readFileSync(path.join(cap, 'report.json'), 'utf8'))).toMatchObject({
      schema: 'xenkeys.report/1',
    });
  });

  it('a link named by -o is replaced, not followed: the file behind it stays', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-over-'));
    const log = path.join(dir, 'in.raw');
    copyFileSync(RAW, log);
    symlinkSync(log, path.join(dir, 'alias.raw'));
    const run = await runCli(['report', log, '-o', path.join(dir, 'alias.raw')]);
    expect(run.code).toBe(0);
    expect(readFileSync(log)).toEqual(readFileSync(RAW));
    expect(readFileSync(path.join(dir, 'alias.raw'), 'utf8')).toMatch(/"schema": "xenkeys.report\/1"/);
  });
});
