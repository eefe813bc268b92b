// The Done-when, hermetically: the real serial log of the guest lab with a domU spinning on
// both vCPUs, each pinned (test/fixtures/lab/README.md), then `r d r d`. The report must lead with the
// vCPU that did not move, by domain, vCPU and CPU; the CPU that ran the key must not pass for stuck.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFromLines } from '../../src/report/build.js';
import { renderFindingsText } from '../../src/report/findings/render.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LOG = path.join(ROOT, 'test/fixtures/lab/xen-4.17-spin-pinned.serial.log');
const report = reportFromLines(readFileSync(LOG, 'latin1').split('\n'), { kind: 'log', name: 'serial.log' });

describe('findings on the pinned spinning domU (real lab log)', () => {
  it('leads with domain 1 vCPU 1 holding CPU 1 in both r and both d dumps', () => {
    const [first, second] = report.findings;
    expect(first?.id).toBe('vcpu-stayed');
    expect(first?.vcpu).toBe('d1v1');
    expect(first?.cpu).toBe(1);
    expect(first?.headline).toBe(
      'domain 1 vCPU 1 (d1v1) did not move: it held CPU 1 in both `r` and both `d` dumps 2.3 s apart: a busy loop, or stuck?',
    );
    // The guest's RIP moved between the dumps: a loop, not a wedge.
    expect(first?.detail[0]).toBe(
      'RIP 0000000000528293 then 0000000000525320 (pv guest): running, in a loop or busy.',
    );
    expect(first?.evidence.map((e) => `${e.key} ${e.line ?? '-'}`)).toEqual(['r -', 'r -', 'd 69', 'd 69']);
    // Its sibling on CPU 0, which took the keys: `r` shows it queued behind the idle vCPU, not starved.
    expect(second?.vcpu).toBe('d1v0');
    expect(second?.cpu).toBe(0);
    expect(second?.detail).toContain(
      "CPU 0 ran the debug key's handler, so `r` shows d1v0 queued behind the idle vCPU there.",
    );
  });

  it("does not call the key handler's own RIP (do_softirq+0) a CPU that did not move, nor d1v0 starved", () => {
    const ids = report.findings.map((f) => f.id);
    expect(ids).not.toContain('same-rip');
    expect(ids).not.toContain('vcpu-starved');
    expect(renderFindingsText(report.findings)).not.toMatch(/never got to run/);
  });

  it('keeps the Xen frames of CPU 0 for symbolising, and the first finding ahead of the advice', () => {
    expect(report.findings[1]?.trace.map((t) => t.symbol)).toEqual([
      'do_softirq+0/0x10',
      'x86_64/entry.S#process_softirqs+0x6/0x20',
    ]);
    expect(report.findings.slice(2).every((f) => f.severity === 'advice')).toBe(true);
  });
});

describe('the same scenario, another run: the vCPU seen only by the `d` dumps', () => {
  const again = reportFromLines(
    readFileSync(path.join(ROOT, 'test/fixtures/lab/xen-4.17-spin-pinned-2.serial.log'), 'latin1').split(
      '\n',
    ),
    { kind: 'log', name: 'serial.log' },
  );

  it('names both vCPUs, each with its CPU, and keeps the Xen frames of the dump that caught one in Xen', () => {
    const [first, second] = again.findings;
    expect([first?.vcpu, first?.cpu, first?.id]).toEqual(['d1v0', 0, 'vcpu-stayed']);
    expect([second?.vcpu, second?.cpu, second?.id]).toEqual(['d1v1', 1, 'vcpu-held']);
    expect(second?.headline).toBe(
      'domain 1 vCPU 1 (d1v1) was on CPU 1 in both `d` dumps: a busy loop, or stuck?',
    );
    // The last dump caught it in the guest; the first in Xen, handling an exception: those frames.
    expect(second?.trace.map((t) => t.symbol)).toEqual(['x86_64/entry.S#handle_exception_saved+0x1a/0x94']);
    expect(second?.detail[0]).toBe(
      'RIP ffffffff816b852a then 0000000000456650 (pv guest): running, in a loop or busy.',
    );
  });
});
