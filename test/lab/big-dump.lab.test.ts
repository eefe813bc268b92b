// 8 CPUs and a 16 KiB console ring: 'd' and '*' print far more than the ring holds. The serial line
// (and so xenkeys) keeps all of it; 'w' afterwards replays only what the ring kept.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { expectLossless, readOut } from './capture-checks.js';
import { expectDom0Answers } from './dom0-check.js';
import { startXenLab, type XenLab } from './xen-lab.js';

describe('a dump bigger than the console ring', () => {
  let lab: XenLab;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', smp: 8, xenArgs: ['conring_size=16k'] });
  });
  afterAll(() => lab?.stop());

  it("captures all of 'd' and '*' while 'w' shows the ring lost the start", async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-lab-big-'));
    const run = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${lab.tcpPort}`,
      '--keys',
      'd*w',
      '--allow-dangerous',
      '-o',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    await expectLossless(out, lab);
    const { byKey } = readOut(out);
    const d = byKey('d')!;
    const star = byKey('*')!;
    const w = byKey('w')!;
    for (let cpu = 0; cpu < 8; cpu++)
      expect(d.text).toMatch(new RegExp(`\\*\\*\\* Dumping CPU${cpu} (host|guest) state`));
    // '*' runs every diagnostic handler, each behind a "[k: description]" line.
    const sections = star.text.split('\n').filter((l) => /^\(XEN\) \[.: .+\]$/.test(l));
    expect(sections.length).toBeGreaterThanOrEqual(20);
    expect(sections[0]).toBe('(XEN) [d: dump registers]');
    // Far more than a 16 KiB ring holds, and the ring replay has lost the beginning of 'd'.
    expect(d.bytes + star.bytes).toBeGreaterThan(4 * 16 * 1024);
    expect(w.text).not.toContain("'d' pressed -> dumping registers");
    expect(w.text).toContain("'w' pressed -> dumping console ring buffer (dmesg)");
    await expectDom0Answers(lab);
  });
});
