// `xenkeys diff`'s pure part: two synthetic states of a busy host (vCPUs stuck on a pCPU, a CPU spinning
// at one RIP, domains coming and going, memory moving), the real credit-sched recording's two `r` dumps,
// the 8-CPU recording's `d` against the `d` inside its `*`, and the text/Markdown renderings.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromLines } from '../../src/report/build.js';
import { dumpHints, stuckHints } from '../../src/report/diff-hints.js';
import { diffReports } from '../../src/report/diff.js';
import { renderDiffMarkdown, renderDiffText } from '../../src/report/diff-render.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import type { Report } from '../../src/report/model.js';
import {
  AFTER,
  BEFORE,
  bootLines,
  domainsLines,
  hungHostLines,
  memoryLines,
  numaLines,
  panicLines,
  registersLines,
  runqLines,
} from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../../recordings');
const log = (lines: string[], name = 'host.log'): Report => reportFromLines(lines, { kind: 'log', name });
const recording = async (name: string): Promise<Report> =>
  reportFromRecording(await readRecording(path.join(ROOT, name, 'session.cast')), 'session.cast');

const before = log(
  [
    ...bootLines(),
    ...domainsLines(BEFORE),
    ...runqLines(BEFORE, 1e11),
    ...registersLines(BEFORE),
    ...numaLines(BEFORE),
    ...memoryLines(BEFORE),
  ],
  'before.log',
);
const after = log(
  [
    ...bootLines(),
    ...domainsLines(AFTER),
    ...runqLines(AFTER, 1.03e11),
    ...registersLines(AFTER),
    ...numaLines(AFTER),
    ...memoryLines(AFTER),
    "(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)",
    ...panicLines(),
  ],
  'after.log',
);

describe('diff of two reports', () => {
  const diff = diffReports(before, after, { a: 'before.log', b: 'after.log' });

  it('finds the vCPUs that stayed on one pCPU, queued ones first', () => {
    expect(diff.runq?.stayed).toEqual([
      { vcpu: 'd7v3', cpu: 5, runqueue: null, state: 'queued' },
      { vcpu: 'd0v1', cpu: 1, runqueue: null, state: 'running' },
      { vcpu: 'd7v1', cpu: 5, runqueue: null, state: 'running' },
      { vcpu: 'd12v0', cpu: 6, runqueue: null, state: 'running' },
    ]);
    expect(diff.runq?.idleInBoth).toEqual([0, 2, 4, 7]);
    expect(diff.runq?.elapsedNs).toBe(3e9);
    expect(diff.runq?.from).toEqual({ side: 'A', capture: 1, key: 'r', partOf: null, start: null });
    expect(diff.runq?.to.side).toBe('B');
  });

  it('finds the CPU whose RIP did not move, busy before idle', () => {
    expect(diff.registers?.unchanged[0]).toEqual({
      cpu: 6,
      rip: 'ffff82d04022c8a0',
      symbol: '_spin_lock+0x30/0x50',
      idle: false,
    });
    expect(diff.registers?.unchanged.filter((c) => c.idle).map((c) => c.cpu)).toEqual([0, 1, 2, 4, 5, 7]);
    expect(diff.registers?.changed).toEqual([
      { cpu: 3, a: 'common/sched/core.c#schedule+0x156/0x260', b: 'do_softirq+0x13/0x20' },
    ]);
  });

  it('finds domains that came and went, and memory that moved', () => {
    expect(diff.domains).toMatchObject({ appeared: [15], vanished: [12], kept: [0, 7] });
    expect(diff.domainPages?.rows).toEqual([
      { domain: 0, a: 196608, b: 196608, delta: 0 },
      { domain: 7, a: 524288, b: 524544, delta: 256 },
      { domain: 12, a: 131072, b: null, delta: null },
      { domain: 15, a: null, b: 65536, delta: null },
    ]);
    expect(diff.numa?.domains).toContainEqual({ domain: 7, node: 0, a: 262144, b: 262400, delta: 256 });
    expect(diff.numa?.nodes).toEqual([
      { node: 0, a: 300000, b: 300000, delta: 0 },
      { node: 1, a: 500000, b: 500000, delta: 0 },
    ]);
    expect(diff.heap?.rows).toContainEqual({ heap: 'Dom heap', a: 2097152, b: 1900000, delta: -197152 });
  });

  it('reports alarming events new in B, and no platform change', () => {
    expect(diff.newEvents.map((e) => e.type)).toEqual(['assertion', 'panic']);
    expect(diff.platform).toEqual([]);
    expect(diff.within).toBe(false);
  });

  it('says it in sentences, strongest first', () => {
    expect(stuckHints(diff).map((h) => [h.strong, h.text])).toEqual([
      [true, 'd7v3 was queued on pCPU 5 in both r dumps (3.0 s apart): it may never have got to run.'],
      [
        true,
        'CPU 6 was at _spin_lock+0x30/0x50 (ffff82d04022c8a0) in both d dumps: stuck or spinning there?',
      ],
      [false, 'd0v1 was running on pCPU 1 in both r dumps (3.0 s apart).'],
      [false, 'd7v1 was running on pCPU 5 in both r dumps (3.0 s apart).'],
      [false, 'd12v0 was running on pCPU 6 in both r dumps (3.0 s apart).'],
    ]);
  });

  it('renders as aligned text and as Markdown', () => {
    const text = renderDiffText(diff);
    expect(text).toContain('A: before.log\nB: after.log');
    expect(text).toContain(
      [
        '  vCPU   where   in both',
        '  -----  ------  -------',
        '  d7v3   pCPU 5  queued',
        '  d0v1   pCPU 1  running',
      ].join('\n'),
    );
    expect(text).toContain('  d7      524,288  524,544  +256 (+1 MiB)');
    expect(text).toContain('  appeared: d15\n  vanished: d12\n  in both: d0 d7');
    expect(text).toContain('  Dom heap  2,097,152  1,900,000  -197,152 (-193 MiB)');
    const md = renderDiffMarkdown(diff);
    expect(md).toContain('| `d7v3` | pCPU 5 | **queued** |');
    expect(md).toContain('| 6 | `ffff82d04022c8a0` | **`_spin_lock+0x30/0x50`** |');
    expect(JSON.parse(JSON.stringify(diff))).toEqual(diff);
  });
});

describe('diff within one report', () => {
  it('compares the first and last r and d of a busy host', () => {
    const diff = diffReports(log(hungHostLines()), null, { a: 'host.log' });
    expect(diff.within).toBe(true);
    expect(diff.runq?.stayed.map((s) => `${s.vcpu}@${s.cpu}:${s.state}`)).toEqual([
      'd7v3@5:queued',
      'd0v1@1:running',
      'd7v1@5:running',
      'd12v0@6:running',
    ]);
    expect([diff.runq?.from.capture, diff.runq?.to.capture]).toEqual([1, 5]);
    expect(diff.domains).toBeNull();
    expect(diff.notes).toEqual(['q: only one q dump in host.log, nothing to compare.']);
  });

  it('on the credit-sched recording (h q r d r): both r dumps, every CPU idle in both', async () => {
    const report = await recording('xen-4.17-credit-sched');
    const diff = diffReports(report, null, { a: 'credit-sched' });
    expect(diff.runq).toMatchObject({
      from: { side: 'A', capture: 2, key: 'r', start: expect.closeTo(11.4, 1) },
      to: { side: 'A', capture: 4, key: 'r', start: expect.closeTo(13.5, 1) },
      stayed: [],
      idleInBoth: [0, 1, 2, 3],
    });
    expect(diff.runq?.elapsedNs).toBe(13358924422 - 11257934548);
    expect(diff.registers).toBeNull();
    expect(stuckHints(diff)).toEqual([]);
    expect(renderDiffText(diff)).toContain(
      "Run queues (A r #3 at 11.4 s → A r #5 at 13.5 s)\n------------------------------------------------\n  2.101 s apart by Xen's clock (NOW).\n  No guest vCPU was running or queued on the same pCPU in both dumps.\n  Idle in both: CPUs 0-3.",
    );
    expect(dumpHints(report)).toEqual({ compared: 'r #3 with r #5', hints: [] });
  });

  it('on the 8-CPU recording: its d against the d inside its *, all eight idle at the same RIP', async () => {
    if (!existsSync(path.join(ROOT, 'xen-4.17-smp8-big-dump'))) throw new Error('recording missing');
    const diff = diffReports(await recording('xen-4.17-smp8-big-dump'), null, { a: 'smp8' });
    expect(diff.registers?.from).toMatchObject({ key: 'd', partOf: null, capture: 1 });
    expect(diff.registers?.to).toMatchObject({ key: 'd', partOf: '*', capture: 2 });
    expect(diff.registers?.unchanged.map((c) => [c.cpu, c.idle])).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((c) => [c, true]),
    );
    expect(renderDiffText(diff)).toContain('Idle at the same RIP in both: CPUs 0-7.');
  });

  it('has nothing to compare in a report with one dump of each key', async () => {
    const diff = diffReports(await recording('xen-4.17-dom0-panic-keys'), null, { a: 'x' });
    expect([diff.runq, diff.registers, diff.domains, diff.heap, diff.numa]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(renderDiffText(diff)).toContain('No r or d dumps to compare.');
    expect(dumpHints(await recording('xen-4.17-dom0-panic-keys'))).toBeNull();
  });
});

describe('diff hints on a big host', () => {
  it('lists a few of each kind and counts the rest', () => {
    const cpus = Array.from({ length: 20 }, (_, i) => ({ current: `d1v${i}`, queue: [`d2v${i}`] }));
    const big = { ...BEFORE, cpus, rips: {} };
    const report = log([...runqLines(big, 1), ...runqLines(big, 2)]);
    const hints = stuckHints(diffReports(report, null, { a: 'big' }));
    expect(hints.filter((h) => h.strong)).toHaveLength(9);
    expect(hints[8]?.text).toBe('… and 12 more vCPUs queued on the same pCPU in both dumps.');
    expect(hints[hints.length - 1]?.text).toBe('… and 12 more vCPUs running on the same pCPU in both dumps.');
  });
});
