// `xenkeys capture --serial` on QEMU's serial as a pty, opened with serialport: the same per-key,
// lossless capture as over TCP, and input back on dom0.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { expectHqrd, expectLossless, readOut } from './capture-checks.js';
import { expectDom0Answers } from './dom0-check.js';
import { startXenLab, type XenLab } from './xen-lab.js';

describe('capture over a serial pty on real Xen', () => {
  let lab: XenLab;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'pty' });
  });
  afterAll(() => lab?.stop());

  it('captures h q r d with serialport and leaves input on dom0', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-lab-pty-'));
    const run = await runCli([
      'capture',
      '--serial',
      lab.ptyPath!,
      '--baud',
      '115200',
      '--keys',
      'qrd',
      '-o',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expectHqrd(out, 2);
    await expectLossless(out, lab);
    expect(readOut(out).captures.console.description).toBe(`serial ${lab.ptyPath} 115200 8N1`);
    await expectDom0Answers(lab);
  });

  it('says who holds the port when it is taken', async () => {
    const { SerialPort } = await import('serialport');
    const holder = new SerialPort({ path: lab.ptyPath!, baudRate: 115200, lock: true, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((e) => (e ? reject(e) : resolve())));
    try {
      const run = await runCli([
        'capture',
        '--serial',
        lab.ptyPath!,
        '--keys',
        'q',
        '-o',
        mkdtempSync(path.join(os.tmpdir(), 'xk-')),
      ]);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(new RegExp(`busy.*pid ${process.pid}`));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
