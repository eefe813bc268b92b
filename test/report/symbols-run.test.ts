// The symboliser as `report --xen-syms` runs it: ONE process for the report, given the dumps' addresses
// while the log is still being read (the hook the report gives it), then the rest. Stand-in tools on
// PATH answer like binutils and log each run; the lab test (test/lab/symbols.lab.test.ts) runs the
// real ones on the real xen-syms.

import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFromInputs } from '../../src/cli/report-input.js';
import type { FindingsDigest } from '../../src/report/findings/digest.js';
import { lookupAddress } from '../../src/report/findings/symbols.js';
import type { Report } from '../../src/report/model.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const RECORDING = path.join(ROOT, 'recordings/xen-4.17-smp8-big-dump/session.cast');
const BUILD_ID = '151b373fd64b321593bf987fd923cd10dabadac4';

/** A folder of stand-ins: readelf says the recording's build id; symbolisers name `fn_ADDRESS`. */
function standIns(tools: readonly string[]): { dir: string; runs: () => string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-symbolisers-'));
  const log = path.join(dir, 'runs.log');
  // As llvm-symbolizer does, a line that is no address is echoed and not answered.
  const answer = `while read a; do echo "$a"; case "$a" in 0x) ;; *) echo "fn_$a"; echo "x.c:1";; esac; done`;
  for (const tool of tools) {
    const body = tool === 'readelf' ? `echo "    Build ID: ${BUILD_ID}"` : answer;
    writeFileSync(path.join(dir, tool), `#!/bin/sh\necho ${tool} >> '${log}'\n${body}\n`);
    chmodSync(path.join(dir, tool), 0o700);
  }
  writeFileSync(path.join(dir, 'xen-syms'), 'not read by the stand-ins');
  const runs = (): string[] => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { dir, runs };
}

describe('report --xen-syms: one symboliser per report', () => {
  it('hands each Xen address of the dumps to the symboliser as it is first seen, in the digest order', async () => {
    const seen: string[] = [];
    let digest: FindingsDigest | null = null;
    await reportFromInputs([RECORDING], process.stdin, {
      onXenAddress: (a) => seen.push(a),
      onDigest: (d) => (digest = d),
    });
    expect(seen.length).toBeGreaterThan(0);
    // CPU0's RIP as printed, `S idle_loop+0xc1/0x130` (a return address) one byte back, at the call,
    // and `S idle_loop+0/0x130` (a function pointer on the stack, called from nowhere) as printed.
    const d = digest as FindingsDigest | null;
    expect(seen.slice(0, 3)).toEqual(['ffff82d0402f9c06', 'ffff82d0402fa740', 'ffff82d0402fa680']);
    const exact = new Set(d?.xenExact);
    expect(seen).toEqual(d?.xenAddresses.map((a) => lookupAddress(a, exact.has(a))));
  });

  it.each([
    ['llvm-symbolizer', ['readelf', 'llvm-symbolizer']],
    // No llvm-symbolizer on PATH: addr2line, given every address again.
    ['addr2line', ['readelf', 'addr2line']],
  ] as const)('resolves every address with ONE %s, on one or two threads', async (tool, tools) => {
    const fake = standIns(tools);
    for (const worker of ['0', '1']) {
      const out = path.join(fake.dir, `report-${worker}.json`);
      const run = await runCli(
        ['report', RECORDING, '--xen-syms', path.join(fake.dir, 'xen-syms'), '-o', out],
        {
          env: { PATH: fake.dir, XENKEYS_REPORT_WORKER: worker },
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
      expect(report.symbols).toMatchObject({ file: 'xen-syms', buildId: BUILD_ID });
      expect(report.symbols?.resolved).toBe(report.symbols?.addresses);
      // `[<ffff82d0402fa741>] S idle_loop+0xc1/0x130` is a return address: answered at the call.
      expect(report.symbols?.frames['ffff82d0402fa741']).toBe('fn_0xffff82d0402fa740 (x.c:1)');
      expect(report.symbols?.frames['ffff82d0402f9c06']).toBe('fn_0xffff82d0402f9c06 (x.c:1)');
    }
    expect(fake.runs()).toEqual([...tools, ...tools]);
  });

  it("leaves dom0's address-less frames out of the lookup (no `nm` run, no answers shifted)", async () => {
    // dom0's panic trace lists `? _printk`-style frames without addresses, beside Xen's `d` frames.
    const fake = standIns(['readelf', 'llvm-symbolizer']);
    const recording = path.join(ROOT, 'recordings/xen-4.17-dom0-panic-keys/session.raw');
    const run = await runCli(['report', recording, '--xen-syms', path.join(fake.dir, 'xen-syms')], {
      env: { PATH: fake.dir },
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const frames = Object.entries(report.symbols?.frames ?? {});
    expect(frames.length).toBeGreaterThan(1);
    // Each answered for itself (a RIP) or for the byte before it (a return address), nothing shifted.
    for (const [address, name] of frames)
      expect([`fn_0x${address} (x.c:1)`, `fn_0x${lookupAddress(address, false)} (x.c:1)`]).toContain(name);
    // The one not resolved is the empty address, counted as before.
    expect(report.symbols?.resolved).toBe((report.symbols?.addresses ?? 0) - 1);
    expect(fake.runs()).toEqual(['readelf', 'llvm-symbolizer']);
  });

  it('still refuses a xen-syms of another build, after reading the log, and writes no report', async () => {
    const fake = standIns(['readelf', 'llvm-symbolizer']);
    writeFileSync(path.join(fake.dir, 'readelf'), '#!/bin/sh\necho "    Build ID: 0123456789abcdef"\n');
    const out = path.join(fake.dir, 'report.json');
    const run = await runCli(
      ['report', RECORDING, '--xen-syms', path.join(fake.dir, 'xen-syms'), '-o', out],
      {
        env: { PATH: fake.dir },
      },
    );
    expect(run.code).toBe(14);
    expect(run.stderr).toContain(`its build id is 0123456789abcdef, Xen printed build-id: ${BUILD_ID}`);
    expect(() => readFileSync(out)).toThrow();
  });
});
