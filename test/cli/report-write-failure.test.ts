// A report that cannot be written — a full disk, a missing temp folder, stdout on a full device —
// says which file and what to do, exits 16 (write-failed), and leaves no temp file behind. It used to
// blame the input ("cannot read LOG: ENOSPC … write", exit 14), or print an internal error with the
// report worker's stack (or, for -o naming a folder, wrote the whole report beside it and failed at
// the end). /dev/full answers every write with ENOSPC, as a full disk does.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, startCli } from '../helpers/run-cli.js';

const LOG = path.join(ROOT, 'recordings/xen-4.17-boot-and-keys/session.raw');
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-write-fail-'));

describe('a report that cannot be written', () => {
  it.each(['1', '0'])('-o on a full device: names it, exit 16 (worker %s)', async (worker) => {
    const run = await startCli(['report', LOG, '-o', '/dev/full'], { env: { XENKEYS_REPORT_WORKER: worker } })
      .done;
    expect(run.code).toBe(16);
    expect(run.stderr).toContain('cannot write /dev/full: no space left on device (ENOSPC)');
    expect(run.stderr).toContain('write the report somewhere else');
    expect(run.stderr).not.toMatch(/cannot read|internal error/);
  });

  it('-o in a folder that does not exist, or naming a folder: says so, exit 16, nothing written', async () => {
    const dir = tmp();
    const missing = path.join(dir, 'missing', 'r.json');
    const inMissing = await startCli(['report', LOG, '-o', missing]).done;
    expect(inMissing.code).toBe(16);
    expect(inMissing.stderr).toContain(`cannot write ${missing}: no such folder (ENOENT)`);
    const folder = await startCli(['report', LOG, '-o', dir]).done;
    expect(folder.code).toBe(16);
    expect(folder.stderr).toContain(`cannot write ${dir}: it is a folder`);
    expect(folder.stderr).toContain('Give -o a file name');
    for (const run of [inMissing, folder]) expect(run.stderr).not.toMatch(/internal error/);
    // No temp copy beside the folder either.
    expect(readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`.${path.basename(dir)}.`))).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each(['md', 'html'])('%s with TMPDIR missing: says where, and that TMPDIR can move it', async (ext) => {
    const dir = tmp();
    const out = path.join(dir, `r.${ext}`);
    const missing = path.join(dir, 'no-such-folder');
    const run = await startCli(['report', LOG, '-o', out], { env: { TMPDIR: missing } }).done;
    expect(run.code).toBe(16);
    expect(run.stderr).toContain(`cannot write ${missing}: no such folder (ENOENT)`);
    expect(run.stderr).toContain('point TMPDIR at a folder with room');
    expect(run.stderr).not.toMatch(/cannot read|internal error/);
    // Neither the report nor its temp copy was left.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('to stdout on a full device: names stdout, once, exit 16', async () => {
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', `"${process.execPath}" "${BIN}" report "$1" > /dev/full`, 'xenkeys', LOG],
        { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
        (error, _stdout, stderr) => resolve({ code: Number(error?.code ?? 0), stderr }),
      );
    });
    expect(run.code).toBe(16);
    expect(run.stderr.trim().split('\n')).toEqual([
      'xenkeys: cannot write stdout: no space left on device (ENOSPC)',
      'Where stdout goes has no room for it: free some space, or write the report to a file with -o.',
    ]);
  });

  it('capture still writes its session when its report cannot be, and says why', async () => {
    const dir = tmp();
    const out = path.join(dir, 'out');
    const missing = path.join(dir, 'no-such-folder');
    const run = await startCli(['demo', '--no-tui', '--keys', 'q', '--quiet-gap', '50', '-o', out], {
      env: { TMPDIR: missing },
    }).done;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`report.* not written: cannot write ${missing}: no such folder (ENOENT)`);
    expect(existsSync(path.join(out, 'session.raw'))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['captures.json', 'session.cast', 'session.raw']);
  });
});
