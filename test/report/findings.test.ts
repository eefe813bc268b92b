// Findings: what the report says is wrong, on the real recordings (lab Xen 4.17.7), on real public console
// logs from xen-devel (test/fixtures/public, each citing its mail), and on the synthetic hung host.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromLines } from '../../src/report/build.js';
import { addressesOf } from '../../src/report/findings/frames.js';
import type { Finding } from '../../src/report/findings/model.js';
import { renderFindingsText } from '../../src/report/findings/render.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import type { Report } from '../../src/report/model.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { hungHostLines } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const recording = async (name: string): Promise<Report> =>
  reportFromRecording(
    await readRecording(path.join(ROOT, 'recordings', name, 'session.cast')),
    'session.cast',
  );
const publicLog = (name: string): Report => {
  const text = readFileSync(path.join(ROOT, 'test/fixtures/public', name), 'utf8');
  // The first line cites the source; the log follows.
  return reportFromLines(text.split('\n').slice(1), { kind: 'log', name });
};
const ids = (r: Report): string[] => r.findings.map((f) => f.id);
const byId = (r: Report, id: string): Finding => {
  const f = r.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no ${id} finding in ${ids(r).join(', ')}`);
  return f;
};

describe('findings on the real recordings', () => {
  it('dom0 crash: the kernel panic comes first, with Xen\'s "Hardware Dom0 crashed" as its evidence', async () => {
    const r = await recording('xen-4.17-dom0-crash');
    const first = r.findings[0] as Finding;
    expect(first.id).toBe('dom0-panic');
    expect(first.severity).toBe('critical');
    expect(first.headline).toBe('dom0 kernel panic: sysrq triggered crash');
    expect(first.evidence.map((e) => e.text)).toEqual([
      'Kernel panic - not syncing: sysrq triggered crash',
      "Hardware Dom0 crashed: 'noreboot' set - not rebooting.",
    ]);
    // Input line numbers: the panic is read before Xen's reaction to it.
    expect(first.evidence[0]?.line).toBeLessThan(first.evidence[1]?.line as number);
    expect(first.detail[0]).toMatch(/^dom0 call trace: dump_stack_lvl ← panic ← /);
    expect(ids(r)).not.toContain('dom0-crashed');
    expect(ids(r)).not.toContain('healthy');
  });

  it('dom0 panic + keys: the panic first; `q` read as xl list shows the vCPU the panic took offline', async () => {
    const r = await recording('xen-4.17-dom0-panic-keys');
    expect(r.findings[0]?.id).toBe('dom0-panic');
    expect(r.findings[0]?.next?.key).toBe('0');
    const domains = byId(r, 'domains');
    expect(domains.headline).toBe('Domains as `xl list` shows them (1): d0 r-----');
    expect(domains.detail[0]).toBe('d0 r-----  2 vCPUs: 1 running, 1 offline');
  });

  it('credit scheduler, two `r` dumps of an idle dom0: healthy, and it says so first', async () => {
    const r = await recording('xen-4.17-credit-sched');
    expect(r.findings[0]?.id).toBe('healthy');
    expect(r.findings[0]?.headline).toMatch(/^Nothing wrong found/);
    expect(byId(r, 'domains').detail[0]).toBe('d0 -b----  4 vCPUs: 4 blocked');
    // The ring is 32 KiB there and noreboot is set: only the watchdog advice remains.
    expect(r.findings.filter((f) => f.severity === 'advice').map((f) => f.id)).toEqual(['advice-watchdog']);
  });

  it('smp8 big dump: `w` shows the 16 KiB ring lost output; conring_size=16k is named in the advice', async () => {
    const r = await recording('xen-4.17-smp8-big-dump');
    const ring = byId(r, 'ring-overrun');
    expect(ring.severity).toBe('warning');
    const w = r.captures.findIndex((c) => c.key === 'w');
    expect(ring.evidence[0]).toMatchObject({ capture: w, key: 'w', line: 2 });
    expect(byId(r, 'advice-conring').headline).toContain('conring_size=16k');
    expect(ids(r)).not.toContain('healthy');
    // Every CPU of the 8 dumped: nothing missing.
    expect(ids(r)).not.toContain('d-incomplete');
  });

  it('boot and every safe key: the ring wrapped too, and the default ring size is advised against', async () => {
    const r = await recording('xen-4.17-boot-and-keys');
    expect(ids(r)).toContain('ring-overrun');
    expect(byId(r, 'advice-conring').headline).toContain('the default');
    expect(ids(r)).not.toContain('advice-noreboot');
  });

  it('a `d` cut before its last CPU (the real smp8 dump without CPU 7) names CPU 7 as likely stuck', async () => {
    const full = await recording('xen-4.17-smp8-big-dump');
    const boot = full.other.text.split('\n');
    const d = (full.captures.find((c) => c.key === 'd')?.text ?? '').split('\n');
    const cut = d.slice(
      0,
      d.findIndex((l) => l.includes('*** Dumping CPU7 host state')),
    );
    const r = reportFromLines([...boot, ...cut], { kind: 'log', name: 'cut.log' });
    const f = byId(r, 'd-incomplete');
    expect(f.severity).toBe('error');
    expect(f.cpu).toBe(7);
    expect(f.headline).toBe(
      '`d` stopped before CPU 7 dumped: CPU 7 is likely stuck with interrupts off (1 CPU never dumped, 7 of 8 did)',
    );
    expect(f.evidence[0]?.text).toBe('dumped CPUs 0–6 of 8; missing 7');
    expect(f.next?.key).toBe('r');
  });
});

describe('a long log that repeats itself', () => {
  it('the same finding again is counted, not listed again (three dom0 crashes in one conserver log)', () => {
    const raw = readFileSync(path.join(ROOT, 'recordings/xen-4.17-dom0-crash/session.raw'), 'latin1');
    const lines = [raw, raw, raw].join('\n').split(/\r?\n/);
    const r = reportFromLines(lines, { kind: 'log', name: 'conserver.log' });
    // dom0's first panic takes Xen's first "Hardware Dom0 crashed"; the other two are one finding.
    expect(ids(r).filter((id) => id === 'dom0-crashed')).toHaveLength(1);
    const again = byId(r, 'dom0-crashed');
    expect(again.headline).toBe(
      "dom0 crashed: Hardware Dom0 crashed: 'noreboot' set - not rebooting. (2 times)",
    );
    expect(again.evidence).toHaveLength(2);
    expect(r.findings.filter((f) => f.id.startsWith('advice-conring'))).toHaveLength(1);
  });
});

describe('a `d` dump cut inside a CPU', () => {
  it("names the CPU whose dump stops before its call trace (the real smp8 dump cut in CPU 6's registers)", async () => {
    const full = await recording('xen-4.17-smp8-big-dump');
    const boot = full.other.text.split('\n');
    const d = (full.captures.find((c) => c.key === 'd')?.text ?? '').split('\n');
    const cpu6 = d.findIndex((l) => l.includes('*** Dumping CPU6 host state'));
    const r = reportFromLines([...boot, ...d.slice(0, cpu6 + 8)], { kind: 'log', name: 'cut.log' });
    const f = byId(r, 'd-cut');
    expect(f.cpu).toBe(6);
    expect(f.headline).toBe("`d` ends inside CPU 6's dump, before its call trace: the output was cut");
    expect(f.evidence[0]?.line).toBe(cpu6 + 1);
    // And CPU 7 never dumped at all.
    expect(byId(r, 'd-incomplete').cpu).toBe(7);
  });
});

describe('findings on real public console logs', () => {
  it('Xen 4.14 watchdog: CPU 1 stuck in sched_wait_rendezvous_in, one finding with the panic as evidence', () => {
    const r = publicLog('xen-4.14-watchdog-sched-rendezvous.log');
    const crit = r.findings.filter((f) => f.severity === 'critical');
    expect(crit).toHaveLength(1);
    const f = crit[0] as Finding;
    expect(f.id).toBe('xen-watchdog');
    expect(f.cpu).toBe(1);
    expect(f.rip).toEqual({
      address: 'ffff82d08025266d',
      symbol: 'common/sched/core.c#sched_wait_rendezvous_in+0x16c/0x385',
      source: null,
    });
    expect(f.trace.map((t) => t.symbol)).toEqual([
      'common/sched/core.c#sched_wait_rendezvous_in+0x16c/0x385',
      'common/sched/core.c#sched_slave+0x262/0x31e',
      'common/softirq.c#__do_softirq+0x8a/0xbc',
      'do_softirq+0x13/0x15',
      'arch/x86/domain.c#idle_loop+0x57/0xa7',
    ]);
    expect(f.headline).toBe(
      "Xen's NMI watchdog: CPU 1 is stuck (no timer interrupt for seconds) at common/sched/core.c#sched_wait_rendezvous_in+0x16c/0x385",
    );
    // The panic box that closed the report, then what to do.
    expect(f.detail.slice(-3)).toEqual([
      'FATAL TRAP: vector = 2 (nmi)',
      '[error_code=0000] , IN INTERRUPT CONTEXT',
      'Xen has stopped: send this log, with `xl info` of the host, to xen-devel.',
    ]);
    // Lines of the log (the fixture's citation line is not fed): the watchdog line and the `Panic on CPU 1:`.
    expect(f.evidence.map((e) => e.line)).toEqual([1, 52]);
  });

  it('Xen 4.18 assertion in a hard-wrapped mail: the assertion, its CPU and RIP', () => {
    const r = publicLog('xen-4.18-assertion-nested-svm.log');
    const f = r.findings[0] as Finding;
    expect(f.severity).toBe('critical');
    expect(f.cpu).toBe(2);
    expect(f.headline).toMatch(
      /^Xen assertion failed on CPU 2: Assertion 'vmcb->_vintr\.fields\.vgif == 0' failed at/,
    );
    expect(f.rip?.symbol).toBe('nsvm_vcpu_switch+0x34e/0x502');
    expect(f.trace.map((t) => t.address)).toEqual(['ffff82d04029bef6', 'ffff82d0402a49d6']);
  });

  it('Xen 4.16 BUG on S3 resume: `Xen BUG at xstate.c:673` on CPU 1 in xstate_init', () => {
    const r = publicLog('xen-4.16-bug-xstate-s3.log');
    const f = r.findings[0] as Finding;
    expect(f.severity).toBe('critical');
    expect(f.headline).toBe('Xen BUG on CPU 1: Xen BUG at xstate.c:673 at xstate_init+0x24b/0x2ff');
    expect(f.trace.map((t) => t.symbol)).toEqual([
      'xstate_init+0x24b/0x2ff',
      'identify_cpu+0x318/0x4af',
      'recheck_cpu_features+0x1f/0x72',
      'start_secondary+0x255/0x38a',
      '__high_start+0x82/0x91',
    ]);
    expect(ids(r)).not.toContain('healthy');
  });
});

describe('findings on a real Arm64 log', () => {
  it('Xen BUG in alloc_boot_pages: the PC frame is the RIP; hard-wrapped frames are kept by address', () => {
    const r = publicLog('xen-arm64-bug-alloc-boot-pages.log');
    const f = r.findings[0] as Finding;
    expect(f.severity).toBe('critical');
    expect(f.cpu).toBe(0);
    expect(f.headline).toBe('Xen BUG on CPU 0: Xen BUG at page_alloc.c:432 at alloc_boot_pages+0x94/0x98');
    expect(f.trace.map((t) => t.address)).toEqual([
      '00000000002b5a5c',
      '00000000002ca3bc',
      '00000000002ca3bc',
      '00000000002cb988',
      '00000000002001c0',
    ]);
    // Arm frames carry Xen's own %pS, so they are Xen's and go to addr2line with a xen-syms.
    expect(addressesOf([f])).toEqual(['00000000002b5a5c', '00000000002ca3bc', '00000000002cb988']);
    // No command line in the log: no advice either.
    expect(r.findings.filter((x) => x.severity === 'advice')).toEqual([]);
  });
});

describe('findings on the synthetic hung host', () => {
  const r = reportFromLines(hungHostLines(), { kind: 'log', name: 'hung.log' });

  it('ranks the crash, then the CPU that did not move (with the vCPU on it), then the starved vCPU', () => {
    expect(ids(r).slice(0, 3)).toEqual(['xen-assertion', 'same-rip', 'vcpu-starved']);
    const cpu = byId(r, 'same-rip');
    expect(cpu.headline).toBe(
      'CPU 6 (running domain 12 vCPU 0 (d12v0) in both `r` dumps) did not move: spinning in _spin_lock+0x30/0x50 (a lock or a wait for other CPUs) in both `d` dumps',
    );
    expect(cpu.vcpu).toBe('d12v0');
    expect(byId(r, 'vcpu-starved').headline).toBe(
      'domain 7 vCPU 3 (d7v3) was queued on pCPU 5 in both `r` dumps 5.0 s apart: it never got to run',
    );
    // d12v0's own "stayed" finding was folded into CPU 6's.
    expect(r.findings.filter((f) => f.vcpu === 'd12v0')).toHaveLength(1);
  });

  it('is rendered first in Markdown and HTML, escaped, and as plain text for --findings', () => {
    const md = renderMarkdown(r);
    expect(md.indexOf('## Findings')).toBeGreaterThan(0);
    expect(md.indexOf('## Findings')).toBeLessThan(md.indexOf('## Events'));
    const html = renderHtml(r);
    expect(html.indexOf('id="findings"')).toBeLessThan(html.indexOf('id="events"'));
    expect(html).not.toContain('<script>alert(1)</script>');
    const text = renderFindingsText(r.findings);
    expect(text.split('\n')[0]).toMatch(/^CRITICAL {2}Xen assertion failed on CPU 6/);
    expect(text).toContain('next: press d — once more');
  });
});

describe('dom0 trouble from its own kernel lines', () => {
  it('soft lockup, RCU stall, hung task and oops are each one finding with every line as evidence', () => {
    // Linux's own message forms (kernel/watchdog.c, kernel/rcu/tree_stall.h, kernel/hung_task.c, mm/fault.c).
    const lines = [
      '(XEN) Xen version 4.17.7 (user@host) (gcc) debug=n Wed Nov  4 16:52:28 UTC 2026',
      '[  100.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:0:707]',
      '[  124.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 48s! [kworker/1:0:707]',
      '[  130.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
      '[  242.000000] INFO: task jbd2/xvda1-8:181 blocked for more than 120 seconds.',
      '[  300.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008',
    ];
    const r = reportFromLines(lines, { kind: 'log', name: 'dom0.log' });
    const lockup = byId(r, 'dom0-soft-lockup');
    expect(lockup.severity).toBe('error');
    expect(lockup.headline).toBe(
      'dom0 soft lockup: watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:0:707]',
    );
    expect(lockup.evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(byId(r, 'dom0-rcu-stall').evidence).toHaveLength(1);
    expect(byId(r, 'dom0-hung-task').severity).toBe('warning');
    expect(byId(r, 'dom0-oops').headline).toContain('NULL pointer dereference');
  });
});
