// `report --dom0-map` against the real dom0: its kernel's symbols, read live from /proc/kallsyms (the
// lab's Debian kernel ships a placeholder System.map; a PV dom0 is not relocated). The live `0` dump's
// RIP and stack must be named as the kernel itself names them. XENKEYS_LAB_KEEP_MAP=FILE keeps the map
// and FILE.raw the capture's raw log (test/fixtures/lab/ was made so).

import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { runCli } from '../helpers/run-cli.js';
import { readOut } from './capture-checks.js';
import { atDom0 } from './guest-lab.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const KERNEL_WORD = /\bffffffff[89a-f][0-9a-f]{7}\b/g;

/**
 * The kallsyms lines around each address (the symbol at or below it, and the next): a cut System.map;
 * and what dom0 printed, for a failure to show. The address list and the awk program are typed a
 * piece per command (atDom0 types short commands only: Xen drops dom0's serial input past 128 bytes).
 */
async function kallsymsAround(lab: XenLab, addresses: string[]): Promise<{ lines: string[]; text: string }> {
  const wanted = [...new Set(addresses)].sort();
  const run = (command: string, marker: string): Promise<string> =>
    atDom0(lab, `${command}; echo "${marker}""-end"`, new RegExp(`${marker}-end\\r`), 300_000);
  await run('W=', 'w0');
  for (let i = 0; i < wanted.length; i += 4)
    await run(`W="$W ${wanted.slice(i, i + 4).join(' ')}"`, `w${i + 1}`);
  await run(`A='BEGIN{n=split(W,w," ");j=1} '`, 'a1');
  await run(`A="$A"'$2 ~ /^[tTwW]$/ {while (j<=n && $1 > w[j]) {print p; print $0; j++} p=$0}'`, 'a2');
  const text = await run('sort /proc/kallsyms | awk -v W="$W" "$A" | sort -u', 'map');
  const lines = text.split(/\r*\n/).filter((l) => /^[0-9a-f]{16} [tTwW] \S+( \[\S+\])?$/.test(l));
  return { lines: [...new Set(lines)], text };
}

describe("report --dom0-map with the lab dom0's own symbols", () => {
  let lab: XenLab;
  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', smp: 2 });
  });
  afterAll(() => lab?.stop());

  it('names the RIP and the stack of every dom0 vCPU in a live `0` dump', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-lab-dom0map-'));
    const capture = await runCli(['capture', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--keys', '0', '-o', out]);
    expect(capture.code, capture.stderr).toBe(0);
    const zero = readOut(out).byKey('0')!.text;
    const { lines, text } = await kallsymsAround(lab, zero.match(KERNEL_WORD) ?? []);
    expect(lines.length, `kallsyms gave no addresses; dom0 printed:\n${text.slice(-3000)}`).toBeGreaterThan(
      4,
    );
    const map = path.join(out, 'dom0.map');
    writeFileSync(map, `${lines.join('\n')}\n`);
    const keep = process.env['XENKEYS_LAB_KEEP_MAP'];
    if (keep) {
      copyFileSync(map, keep);
      copyFileSync(path.join(out, 'session.raw'), `${keep}.raw`);
    }

    const run = await runCli(['report', out, '--no-xen-syms', '--dom0-map', map]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const stack = report.findings.find((f) => f.id === 'dom0-stack' && f.vcpu === 'd0v0');
    expect(stack, report.findings.map((f) => f.headline).join('\n')).toBeDefined();
    // The RIP named as the kernel's own table has it: the nearest text symbol at or below it.
    const rip = BigInt(`0x${stack!.rip!.address}`);
    const below = lines
      .map((l) => l.split(' '))
      .filter(([a]) => BigInt(`0x${a}`) <= rip)
      .sort((x, y) => (BigInt(`0x${x[0]}`) < BigInt(`0x${y[0]}`) ? 1 : -1))[0]!;
    const offset = (rip - BigInt(`0x${below[0]}`)).toString(16);
    expect(stack!.rip!.source).toMatch(
      new RegExp(`^${below[2]!.replace(/[.$]/g, '\\$&')}\\+0x${offset}/0x[0-9a-f]+$`),
    );
    expect(report.dom0Symbols).toMatchObject({ file: 'dom0.map', kind: 'system-map' });
    expect(report.dom0Symbols!.resolved).toBeGreaterThan(1);
  });
});
