// `report --xen-syms` against the real thing: binutils' readelf and addr2line on the xen-syms of Debian's
// xen-hypervisor-4.17-amd64-dbg (provision.sh extracts it), first on the recordings (made on this very
// build: their `build-id:` is the file's), then on a live `d` from the lab's Xen, read from its serial log
// since power-on (boot log with its build id included).

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFromInputs } from '../../src/cli/report-input.js';
import { symbolise } from '../../src/cli/xen-syms.js';
import type { FindingsDigest } from '../../src/report/findings/digest.js';
import type { Report } from '../../src/report/model.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import type { DebugXen } from './boot-files.js';
import { labDebugXen, labXenSyms, startXenLab, type XenLab } from './xen-lab.js';

const RECORDING = path.join(ROOT, 'recordings/xen-4.17-smp8-big-dump/session.cast');
const LAB_BUILD_ID = '151b373fd64b321593bf987fd923cd10dabadac4';

/** A PATH whose symbolisers and readelf log each run to a file, then run the real ones. */
function countingPath(): { env: NodeJS.ProcessEnv; runs: () => Promise<string[]> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-syms-path-'));
  const log = path.join(dir, 'runs.log');
  for (const tool of ['addr2line', 'readelf', 'llvm-symbolizer']) {
    const shim = path.join(dir, tool);
    writeFileSync(shim, `#!/bin/sh\necho ${tool} >> '${log}'\nexec /usr/bin/${tool} "$@"\n`);
    chmodSync(shim, 0o700);
  }
  return {
    env: { PATH: `${dir}:${process.env['PATH'] ?? ''}` },
    runs: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

/** Xen's own name for a frame (`arch/x86/domain.c#idle_loop+0xc1/0x130` → `idle_loop`). */
const xenFunction = (symbol: string): string => symbol.replace(/^.*#/, '').replace(/\+.*$/, '');

describe("report --xen-syms with the lab Xen's xen-syms", () => {
  let syms: string;
  beforeAll(async () => {
    syms = await labXenSyms();
  });

  // `_ehci_dbgp_flush.part.0` (a compiler-split function) is in the symbol table, but llvm-symbolizer
  // answers `??` inside it (addr2line names it); Xen names it, and so must we: from the nearest symbol
  // below (`nm -n`).
  it('names a frame llvm-symbolizer leaves nameless the way Xen did, by the nearest symbol', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-syms-nameless-'));
    const log = path.join(dir, 'trap.log');
    writeFileSync(
      log,
      [
        `(XEN) build-id: ${LAB_BUILD_ID}`,
        '(XEN) ----[ Xen-4.17.6-pre  x86_64  debug=n  Not tainted ]----',
        '(XEN) CPU:    0',
        '(XEN) RIP:    e008:[<ffff82d040259a32>] _ehci_dbgp_flush.part.0+0x2/0x10',
        '(XEN) Xen call trace:',
        '(XEN)    [<ffff82d040259a32>] R _ehci_dbgp_flush.part.0+0x2/0x10',
        '(XEN)    [<ffff82d0402fa741>] S arch/x86/domain.c#idle_loop+0xc1/0x130',
        '(XEN) ',
        '(XEN) ****************************************',
        '(XEN) Panic on CPU 0:',
        '(XEN) FATAL TRAP: vector = 6 (invalid opcode)',
        '(XEN) ****************************************',
        '',
      ].join('\n'),
    );
    const run = await runCli(['report', log, '--xen-syms', syms]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.symbols?.frames).toEqual({
      ffff82d040259a32: '_ehci_dbgp_flush.part.0',
      ffff82d0402fa741: 'idle_loop (arch/x86/domain.c)',
    });
  });

  // llvm-symbolizer when installed (this lab installs it), addr2line when asked: the same answers.
  it.each([
    ['llvm-symbolizer', {}],
    ['addr2line', { XENKEYS_SYMBOLIZER: 'addr2line' }],
  ] as const)(
    'resolves every Xen address of a recording with ONE %s, after ONE build-id check',
    async (tool, extra) => {
      const counting = countingPath();
      const run = await runCli(['report', RECORDING, '--xen-syms', syms], {
        env: { ...counting.env, ...extra },
      });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.platform.buildId).toBe(LAB_BUILD_ID);
      expect(report.symbols).toMatchObject({ file: path.basename(syms), buildId: LAB_BUILD_ID });
      expect(report.symbols?.resolved).toBe(report.symbols?.addresses);
      expect(report.symbols?.frames['ffff82d0402f9c06']).toBe('default_idle (arch/x86/domain.c)');
      expect(report.symbols?.frames['ffff82d0402fa741']).toBe('idle_loop (arch/x86/domain.c)');
      expect(await counting.runs()).toEqual(['readelf', tool]);
    },
  );

  it('refuses a file that is not the Xen that printed the log, naming both build ids', async () => {
    const run = await runCli(['report', RECORDING, '--findings', '--xen-syms', '/bin/ls']);
    expect(run.code).toBe(14);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('/bin/ls is not the Xen that printed this log');
    expect(run.stderr).toContain(`Xen printed build-id: ${LAB_BUILD_ID}`);
    expect(run.stderr).toContain('-dbg package');
  });
});

describe('xen-syms discovery by build id (a debug folder as Debian lays it out)', () => {
  it('picks the file whose build id Xen printed, passing over other builds and symbolic links', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-syms-dir-'));
    // Another build first in the listing's order, a link to the right one, then the right one.
    copyFileSync('/bin/ls', path.join(dir, 'xen-syms-4.99-amd64'));
    symlinkSync(await labXenSyms(), path.join(dir, 'xen-syms-4.18-link'));
    copyFileSync(await labXenSyms(), path.join(dir, 'xen-syms-4.17-amd64'));
    let digest: FindingsDigest | null = null;
    const report = await reportFromInputs([RECORDING], process.stdin, { onDigest: (d) => (digest = d) });
    await symbolise(report, digest, { dirs: ['/nonexistent-debug-dir', dir] });
    expect(report.symbols).toMatchObject({ file: 'xen-syms-4.17-amd64', buildId: LAB_BUILD_ID });
    expect(report.symbols?.resolved).toBe(report.symbols?.addresses);
    // None matching: no symbols, no error.
    const other = mkdtempSync(path.join(os.tmpdir(), 'xk-syms-none-'));
    copyFileSync('/bin/ls', path.join(other, 'xen-syms-4.99-amd64'));
    const plain = await reportFromInputs([RECORDING]);
    await symbolise(plain, null, { dirs: [other] });
    expect(plain.symbols).toBeUndefined();
  });
});

describe('a live `d` from the lab, symbolised', () => {
  let lab: XenLab;
  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', smp: 2 });
  });
  afterAll(() => lab?.stop());

  it('names every frame of the live dump the way Xen itself did, from the build Xen says it is', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-lab-syms-'));
    const capture = await runCli(['capture', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--keys', 'd', '-o', out]);
    expect(capture.code, capture.stderr).toBe(0);
    await lab.waitForLog('*** Dumping CPU1 '); // host state, or guest state alone when CPU1 ran dom0
    // The serial log since power-on: the boot's `build-id:` line, then the `d` xenkeys pressed.
    const run = await runCli(['report', lab.logPath, '--xen-syms', await labXenSyms()]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.platform.buildId).toBe(LAB_BUILD_ID);
    const d = report.captures.find((c) => c.key === 'd');
    const cpus = (d?.parsed as { cpus: { callTrace: { address: string; symbol: string | null }[] }[] }).cpus;
    expect(cpus.map((c) => (c as unknown as { cpu: number }).cpu).sort()).toEqual([0, 1]);
    const printed = cpus.flatMap((c) => c.callTrace).filter((f) => f.symbol !== null);
    expect(printed.length).toBeGreaterThan(4);
    const frames = report.symbols?.frames ?? {};
    for (const f of printed)
      expect(frames[f.address], f.symbol ?? '').toMatch(new RegExp(`^${xenFunction(f.symbol ?? '')}\\b`));
  });
});

// Debian's xen-syms has no line table; this Xen is built from Debian's source with -g (provision.sh
// --debug-xen), so its frames resolve to file:line, which must be real lines of Debian's source tree.
// `nmi=fatal` and QEMU's monitor `nmi` then make it panic for real, for the findings, Markdown and bundle.
describe('source lines from a Xen built with debug info, live', () => {
  let lab: XenLab;
  let debug: DebugXen;
  let tree: string;
  let monitor: string;
  beforeAll(async () => {
    debug = await labDebugXen();
    tree = mkdtempSync(path.join(os.tmpdir(), 'xk-xen-tree-'));
    execFileSync('tar', ['-xf', debug.source, '-C', tree, '--strip-components=1']);
    monitor = path.join(mkdtempSync(path.join(os.tmpdir(), 'xk-qemu-mon-')), 'monitor.sock');
    lab = await startXenLab({
      serial: 'tcp',
      smp: 2,
      xen: 'debug-info',
      xenArgs: ['nmi=fatal'],
      qemuArgs: ['-monitor', `unix:${monitor},server=on,wait=off`],
    });
  });
  afterAll(() => lab?.stop());

  /** Every location of `function (file:line) ← caller (file:line)`, checked against the tree. */
  const expectRealLines = (text: string | undefined, xenSymbol: string): void => {
    const where = (text ?? '').split(' ← ').map((part) => /^(\S+) \((xen\/[^():]+):(\d+)\)$/.exec(part));
    expect(where.length, text).toBeGreaterThan(0);
    for (const m of where) {
      expect(m, `${xenSymbol}: ${text}`).not.toBeNull();
      const lines = readFileSync(path.join(tree, path.posix.normalize(m![2]!)), 'utf8').split('\n').length;
      expect(Number(m![3]), text).toBeLessThanOrEqual(lines);
    }
    // The outermost is the function Xen printed (`.part.0` and the like are the compiler's), unless
    // a return address was the next function's first byte (`+0/`): its call is in the one before.
    const plain = (name: string): string => name.replace(/\..*$/, '');
    if (!/\+0\//.test(xenSymbol)) expect(plain(where.at(-1)![1]!), text).toBe(plain(xenFunction(xenSymbol)));
  };

  it('names a real file:line for every frame of a `d` dump', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-lab-lines-'));
    const capture = await runCli(['capture', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--keys', 'd', '-o', out]);
    expect(capture.code, capture.stderr).toBe(0);
    await lab.waitForLog('*** Dumping CPU1 ');
    const run = await runCli(['report', lab.logPath, '--xen-syms', debug.xenSyms]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.symbols?.buildId).toBe(report.platform.buildId);
    const d = report.captures.find((c) => c.key === 'd');
    const cpus = (d?.parsed as { cpus: { callTrace: { address: string; symbol: string | null }[] }[] }).cpus;
    const printed = cpus.flatMap((c) => c.callTrace).filter((f) => f.symbol !== null);
    expect(printed.length).toBeGreaterThan(4);
    for (const f of printed) expectRealLines(report.symbols?.frames[f.address], f.symbol ?? '');
  });

  // Last: the host does not come back from this.
  it('a real panic (an NMI with nmi=fatal): its finding, Markdown and bundle give the source lines', async () => {
    const from = lab.log().length;
    const mon = connect(monitor);
    await once(mon, 'connect');
    mon.end('nmi\n');
    const said = await lab.waitForLog('Panic on CPU 0:', { from });
    await lab.waitForLog('****************************************\r\n', { from: said.end });
    const json = await runCli(['report', lab.logPath, '--xen-syms', debug.xenSyms]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    const panic = report.findings[0]!;
    expect(panic.headline).toMatch(/NMI|nmi/);
    expect(panic.trace.length).toBeGreaterThan(1);
    for (const f of [panic.rip!, ...panic.trace]) expectRealLines(f.source ?? undefined, f.symbol ?? '');
    const top = `at ${panic.trace[0]!.source!}`;

    const md = await runCli(['report', lab.logPath, '--xen-syms', debug.xenSyms, '--format', 'md']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(top);
    const bundle = path.join(mkdtempSync(path.join(os.tmpdir(), 'xk-lab-bundle-')), 'b');
    const mail = await runCli(['report', lab.logPath, '--xen-syms', debug.xenSyms, '--bundle', bundle]);
    expect(mail.code, mail.stderr).toBe(0);
    const text = readFileSync(path.join(bundle, 'xen-report.txt'), 'utf8');
    // Prose and frames are wrapped at 78 columns for the mail.
    expect(text.replace(/\s+/g, ' ')).toContain(`at ${panic.trace[0]!.source!}`);
  });
});
