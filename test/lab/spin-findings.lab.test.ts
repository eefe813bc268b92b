// The Done-when, on the real thing: the guest lab with a domU busy on both vCPUs, each pinned
// to one pCPU (`xl vcpu-pin`), then `r d r d` over the serial line. The report of the serial log
// (boot included, so its `build-id:` is there) must lead with the vCPU that did not move, by domain,
// vCPU and CPU, with the Xen frames resolved to source lines by the running Xen's own xen-syms (the
// Xen built from Debian's source with line tables: Debian's own xen-syms has none, see
// symbols.lab.test.ts); the bundle must be a mail.
// XENKEYS_LAB_KEEP=FILE keeps the serial log (the hermetic fixture test/fixtures/lab/ was made so).

import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { runCli } from '../helpers/run-cli.js';
import { atDom0, domainIds, labGuests } from './guest-lab.js';
import { labDebugXen, startXenLab, type XenLab } from './xen-lab.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-spin-'));

describe('a spinning domU, pinned: the first finding names it', () => {
  let lab: XenLab;
  let spin: number;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', guests: true, xen: 'debug-info', bootTimeoutMs: 900_000 });
    await labGuests(lab, 'spin');
    spin = (await domainIds(lab)).get('spin') ?? expect.fail('no domain "spin"');
    await atDom0(lab, 'xl vcpu-pin spin 0 0; xl vcpu-pin spin 1 1; echo "pin""ned"', /pinned\r/, 300_000);
  }, 2_400_000);
  afterAll(async () => {
    await lab?.stop();
    const keep = process.env['XENKEYS_LAB_KEEP'];
    if (keep && lab) copyFileSync(lab.logPath, keep);
  });

  it('leads with the domain, vCPU and pCPU that stayed, frames and source lines from the real xen-syms', async () => {
    const out = tmp();
    const capture = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${lab.tcpPort}`,
      '--keys',
      'rdrd',
      '-o',
      out,
    ]);
    expect(capture.code, capture.stderr).toBe(0);
    const syms = (await labDebugXen()).xenSyms;
    const run = await runCli(['report', lab.logPath, '--xen-syms', syms]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const first = report.findings[0]!;
    expect(first.vcpu, first.headline).toMatch(new RegExp(`^d${spin}v[01]$`));
    const v = Number(first.vcpu!.slice(-1));
    // Pinned: vCPU n can only be on pCPU n.
    expect(first.cpu).toBe(v);
    expect(first.headline).toContain(`domain ${spin} vCPU ${v}`);
    expect(first.headline).toContain(`CPU ${v}`);
    // Every Xen address the dumps printed resolved by the build Xen says it is. There may be none:
    // with the domU spinning on both pCPUs, the key's interrupt often finds each CPU in the guest, and
    // `d` then prints guest state only (symbols.lab has the live dumps with Xen frames for certain).
    expect(report.symbols?.buildId).toBe(report.platform.buildId);
    expect(report.symbols?.resolved).toBe(report.symbols?.addresses);
    console.log(`Xen addresses in the dumps: ${report.symbols?.addresses}`);
    // … each to a function and a line of Xen's source.
    for (const [address, where] of Object.entries(report.symbols?.frames ?? {}))
      expect(where, address).toMatch(/^\S+ \(xen\/\S+\.[chS]:\d+\)/);

    const dir = path.join(tmp(), 'bundle');
    const bundle = await runCli(['report', lab.logPath, '--xen-syms', syms, '--bundle', dir]);
    expect(bundle.code, bundle.stderr).toBe(0);
    const mail = readFileSync(
      path.join(
        dir,
        readdirSync(dir).find((f) => f.endsWith('.txt'))!,
      ),
      'utf8',
    );
    expect(mail.replace(/\s+/g, ' ')).toContain(first.headline.slice(0, 40));
    // The guest spins in its own code; Xen frames appear only when a dump caught its CPU in Xen (the
    // key's softirq, a hypercall, a fault). Each is named by the real xen-syms: function, file and line.
    const flat = mail.replace(/\s+/g, ' ');
    expect(flat).toContain(`Resolved with ${path.basename(syms)} (build id ${report.platform.buildId})`);
    const xen = [first.rip, ...first.trace].filter((f) => f && /^ffff82d0/.test(f.address));
    for (const f of xen) {
      expect(f!.source, f!.symbol ?? '').toMatch(/^\S+ \(xen\/\S+:\d+\)/);
      expect(flat).toContain(`at ${f!.source}`);
    }
  });
});
