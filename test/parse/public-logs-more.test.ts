// More real console logs from public sources (test/fixtures/public, each citing its source on its first
// line): watchdogs cut into other lines or pasted without prefixes, a WARN that is no crash, a domU's
// crash that is not dom0's. Every expectation was read off the log by a person.

import { describe, expect, it } from 'vitest';
import { capture, publicLog } from './public-logs-read.js';

describe('public logs: watchdogs', () => {
  it('4.17 watchdog starting mid-line after a row of stars, both stamped: CPU 0 at 24.247302 s', () => {
    const r = publicLog('xen-4.17-watchdog-mid-line-sync-console.log');
    expect(r.platform.xenVersion).toBe('4.17-unstable');
    expect(r.stats.timestampForms).toEqual(['boot']);
    // Its own stamp, not the stars' (24.240254); the quote ends at the RIP line: no trace.
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'watchdog',
        cpu: 0,
        message: 'Watchdog timer detects that CPU0 is stuck!',
        time: '24.247302',
        callTrace: null,
      }),
    ]);
    expect(r.findings[0]).toMatchObject({ id: 'xen-watchdog', severity: 'critical', cpu: 0 });
  });

  it('4.17.5 watchdog without prefixes, "[...]" in its dump: CPU 55 scrubbing pages, six frames', () => {
    const r = publicLog('xen-4.17-no-prefix-watchdog-cpu55-scrub.log');
    expect(r.platform.xenVersion).toBe('4.17.5-21');
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ type: 'watchdog', cpu: 55 });
    expect(r.events[0]?.callTrace?.map((f) => f.symbol)).toEqual([
      'clear_page_sse2+0x1a/0x30',
      'clear_domain_page+0x11/0x20',
      'common/page_alloc.c#alloc_heap_pages+0x400/0x5a0',
      'alloc_domheap_pages+0x67/0x180',
      'common/memory.c#populate_physmap+0x22f/0x3b0',
      'do_memory_op+0x728/0x1970',
    ]);
    expect(r.findings[0]?.headline).toMatch(/CPU 55 is stuck.* at clear_page_sse2\+0x1a\/0x30$/);
  });
});

describe('public logs: trouble that is not a Xen crash', () => {
  it('4.14.5 Qubes `Xen WARN at msi.c:433` behind date stamps: all ten lines Xen, and no crash made up', () => {
    const r = publicLog('xen-4.14-qubes-warn-msi-date-stamps.log');
    expect(r.platform.xenVersion).toBe('4.14.5');
    // The first line lost its opening bracket in the issue: still Xen's line.
    expect(r.stats.xenLines).toBe(10);
    // Xen WARN prints its state and runs on (xen-console.md §5.2).
    expect(r.events).toEqual([]);
  });

  it("XCP-ng 8.2.1 (4.13.4-9.24.1): domain 11's crash is not taken for dom0's", () => {
    const r = publicLog('xen-4.13-xcpng-domu-crash-timestamps.log');
    expect(r.platform.xenVersion).toBe('4.13.4-9.24.1');
    expect(r.stats.timestampForms).toEqual(['boot']);
    expect(r.stats.xenLines).toBe(12);
    expect(r.events.filter((e) => e.type === 'dom0-crash')).toEqual([]);
  });
});

describe('public logs: keys without their header', () => {
  it('arm64 null scheduler `r` from its `Online Cpus:` line, then an assertion: d1v0 and d2v0 both on pCPU 2', () => {
    const r = publicLog('xen-arm64-null-sched-r-online-cpus-assertion.log');
    expect(r.captures.map((c) => [c.key, c.found])).toEqual([['r', 'first-line']]);
    const runq = capture(r, 'r').parsed;
    expect(runq.scheduler).toBe('null');
    expect(runq.onlineCpus).toEqual([0, 1, 2, 3]);
    expect(runq.domains.map((d) => [d.id, d.units.map((u) => [u.vcpu, u.fields.pcpu])])).toEqual([
      [
        0,
        [
          ['d0v0', '0'],
          ['d0v1', '1'],
        ],
      ],
      [1, [['d1v0', '2']]],
      [2, [['d2v0', '2']]],
    ]);
    // The assertion is only in the panic box: one panic, on CPU 0, with the 13 frames above it.
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'panic',
        cpu: 0,
        message: "Assertion 'npc->unit == unit' failed at common/sched/null.c:383",
      }),
    ]);
    expect(r.events[0]?.callTrace).toHaveLength(13);
    expect(r.events[0]?.callTrace?.[0]?.symbol).toBe('null.c#unit_deassign+0x2d8/0xb70');
    expect(r.events[0]?.callTrace?.[12]?.symbol).toBe('entry.o#guest_sync_slowpath+0xac/0xd8');
  });

  it('4.14 credit2 `r` without its header amid dom0 soft lockups: 14 CPUs, two busy with d0v2 and d0v5', () => {
    const r = publicLog('xen-4.14-dom0-soft-lockups-r-headerless.log');
    expect(r.events.map((e) => [e.type, e.target])).toEqual([['input-switch', 'xen']]);
    expect(r.captures.map((c) => [c.key, c.found])).toEqual([['r', 'first-line']]);
    const runq = capture(r, 'r').parsed;
    expect(runq.scheduler).toBe('credit2');
    expect(runq.now).toBe(384307105230);
    const even = [...Array(14).keys()].map((i) => i * 2);
    expect(runq.onlineCpus).toEqual(even);
    expect(runq.cpus.map((c) => c.cpu)).toEqual(even);
    expect(runq.cpus.filter((c) => !c.current?.startsWith('d[IDLE]')).map((c) => [c.cpu, c.current])).toEqual(
      [
        [4, 'd0v2'],
        [10, 'd0v5'],
      ],
    );
    // dom0's own words: soft lockups on its CPUs 5 and 2, RCU stalls, then hung tasks.
    expect(r.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(['dom0-soft-lockup', 'dom0-rcu-stall', 'dom0-hung-task']),
    );
    expect(r.findings.find((f) => f.id === 'dom0-soft-lockup')?.headline).toBe(
      'dom0 soft lockup: watchdog: BUG: soft lockup - CPU#5 stuck for 22s! [sshd:5991]',
    );
  });
});

describe('public logs: bug reports to the lists', () => {
  it('`q` of a hung PVH domain without its header, two lines soft-wrapped by the mailer: max_pages read from the wrap', () => {
    const r = publicLog('xen-q-headerless-pvh-domain-wrapped.log');
    expect(r.captures.map((c) => [c.key, c.found])).toEqual([['q', 'first-line']]);
    const q = capture(r, 'q').parsed;
    expect(q.domains).toEqual([
      expect.objectContaining({ id: 55, nrPages: 131088, maxPages: 131328, dirtyCpus: [], pauseCount: 0 }),
    ]);
    // VCPU0 on CPU2 with pause_flags=2, VCPU1 on CPU1 with pause_flags=1; neither running.
    expect(q.domains[0]?.vcpus.map((v) => [v.id, v.cpu, v.running, v.pauseFlags])).toEqual([
      [0, 2, false, '2'],
      [1, 1, false, '1'],
    ]);
    // Only the blank last line is left over: the wrapped tails belong to their lines.
    expect(capture(r, 'q').parsed.unrecognised).toEqual(['']);
    expect(r.events).toEqual([]);
  });

  it('dom0 crashing early under Xen 4.4 and 4.15 (quoted, elided): two dom0 crashes, on CPU 0 then CPU 5', () => {
    const r = publicLog('xen-4.4-and-4.15-dom0-crash-quoted-elided.log');
    expect(r.events.map((e) => [e.type, e.cpu, e.message])).toEqual([
      ['dom0-crash', 0, 'Domain 0 (vcpu#0) crashed on cpu#0:'],
      ['dom0-crash', 5, 'Domain 0 (vcpu#0) crashed on cpu#5:'],
    ]);
    expect(
      r.findings.filter((f) => f.severity === 'critical').map((f) => [f.id, f.evidence[0]?.line]),
    ).toEqual([
      // Lines 6 and 15 of the log (the citation line is not part of it).
      ['dom0-crashed', 6],
      ['dom0-crashed', 15],
    ]);
  });
});

describe('public logs: Xen 3.x', () => {
  it('Xen 3.3.1-rc4 `xm dmesg` from a forum (ASCII banner, empty command line): 2 CPUs, credit, VMX, PV dom0', () => {
    const r = publicLog('xen-3.3-xm-dmesg-centos-forum.log');
    expect(r.platform).toMatchObject({
      xenVersion: '3.3.1-rc4',
      cpus: 2,
      scheduler: 'credit',
      iommu: false,
      hvm: 'VMX',
      dom0Mode: 'pv',
      dom0Vcpus: 2,
      systemRamKiB: 8387704,
      // `(XEN) Command line: ` with nothing after it: seen, and empty (not "not seen").
      commandLine: '',
    });
    // The old `-> DOM0` form of the input switch.
    expect(r.events.map((e) => [e.type, e.target])).toEqual([['input-switch', 'dom0']]);
    // An empty command line has no `noreboot`: the advice says so.
    expect(r.findings.map((f) => f.id)).toContain('advice-noreboot');
  });
});

describe('public logs: an Arm trap whose panic box was not quoted', () => {
  it('4.14.0 arm64 SMMU data abort ending at its call trace: the trap line is a fatal trap on CPU 0, ten frames', () => {
    const r = publicLog('xen-4.14-arm64-smmu-data-abort-no-panic-box.log');
    expect(r.platform.xenVersion).toBe('4.14.0');
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'fatal-trap',
        cpu: 0,
        message: 'CPU0: Unexpected Trap: Data Abort',
        line: 5,
      }),
    ]);
    expect(r.events[0]?.callTrace).toHaveLength(10);
    expect(r.events[0]?.callTrace?.[0]?.symbol).toBe('smmu.c#find_smmu_master+0x8/0x3c');
    expect(r.events[0]?.callTrace?.[9]?.symbol).toBe('arm64/head.o#primary_switched+0xc/0x1c');
    expect(r.findings[0]).toMatchObject({
      id: 'xen-fatal-trap',
      severity: 'critical',
      headline: 'Xen crashed on CPU 0: CPU0: Unexpected Trap: Data Abort at smmu.c#find_smmu_master+0x8/0x3c',
    });
  });
});
