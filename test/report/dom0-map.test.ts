// dom0's frames named with its kernel's symbols: the real `0` dump of the lab's idle PV dom0 and its own
// /proc/kallsyms, cut to those addresses (test/fixtures/lab/README.md). Pure: the digest and the map.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportBuilder } from '../../src/report/build.js';
import { withDom0Frames } from '../../src/report/findings/dom0-frames.js';
import { kernelSymbol, parseSystemMap } from '../../src/report/findings/kernel-map.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/lab');
const map = parseSystemMap(
  readFileSync(path.join(FIXTURES, 'dom0-6.1.0-57-amd64.kallsyms-cut.map'), 'latin1'),
);
const builder = new ReportBuilder({ kind: 'log', name: 'session.raw' });
for (const line of readFileSync(path.join(FIXTURES, 'xen-4.17-dom0-0-key.raw'), 'latin1').split('\n'))
  builder.addLine(line);
const { report, digest } = builder.finishWithDigest();

describe('System.map lines', () => {
  it('names an address as Linux prints a frame: the symbol at or below it, offset and size', () => {
    expect(kernelSymbol(map, 'ffffffff81027761')).toBe('xen_safe_halt+0x11/0x20');
    expect(kernelSymbol(map, '0xffffffff81a442b5')).toBe('xen_hypercall_pv+0x5/0x10');
    // Below the first symbol, and past a section's end: no name rather than a wrong one.
    expect(kernelSymbol(map, 'ffffffff80000000')).toBeNull();
    expect(kernelSymbol(map, 'ffffffff82a03ea0')).toBeNull();
  });
});

describe("dom0's `0` dump, named", () => {
  const named = withDom0Frames(report.findings, digest, map, { file: 'System.map', kind: 'system-map' });

  it('gives each dom0 vCPU a dom0-stack finding: the RIP, then the stack words in kernel text', () => {
    const stacks = named.findings.filter((f) => f.id === 'dom0-stack');
    expect(stacks.map((f) => f.vcpu)).toEqual(['d0v0', 'd0v1']);
    const first = stacks[0]!;
    expect(first.headline).toBe('dom0 d0v0 was in `xen_hypercall_pv` (named by System.map)');
    expect(first.severity).toBe('info');
    // An idle PV dom0: the halt hypercall, called from the idle loop, from the boot path.
    expect(first.trace.slice(0, 5).map((f) => f.source)).toEqual([
      'xen_hypercall_pv+0x5/0x10',
      'xen_safe_halt+0x11/0x20',
      'default_idle+0xa/0x10',
      'default_idle_call+0x38/0xf0',
      'do_idle+0x206/0x2b0',
    ]);
    expect(first.trace.map((f) => f.source)).toContain('start_kernel+0x6fb/0x70f');
    expect(first.evidence[0]).toMatchObject({ capture: 1, key: '0', line: 2 });
  });

  it('counts what it named in dom0Symbols, and leaves the findings before it first', () => {
    expect(named.symbols).toMatchObject({ file: 'System.map', kind: 'system-map' });
    expect(named.symbols.resolved).toBeGreaterThan(10);
    expect(named.symbols.resolved).toBeLessThan(named.symbols.addresses);
    expect(named.symbols.frames['ffffffff81a442b5']).toBe('xen_hypercall_pv+0x5/0x10');
    expect(named.findings[0]?.id).toBe(report.findings[0]?.id);
  });
});
