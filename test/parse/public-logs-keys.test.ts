// Real console logs from public sources (test/fixtures/public, each citing its source on its first line),
// read whole through the report path. Every expectation below was read off the log by a person: the
// version in its banner, the CPU in its panic box, the domains `q` lists, the CPUs `d` dumps.
// This file: boot logs, debug keys and pasted forms.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedByKey } from '../../src/parse/key-parsers.js';
import type { ReportCapture } from '../../src/report/model.js';
import { normaliseLine } from '../../src/parse/prefix.js';
import { DIR, publicLog, capture, types, firstSymbol } from './public-logs-read.js';

describe('public logs: boot', () => {
  it('Xen 3.4.1 (xenops dmesg, ASCII banner): version, 4 CPUs, credit, command line, switch to dom0', () => {
    const r = publicLog('xen-3.4-xenclient-boot-vtd.log');
    expect(r.platform).toMatchObject({
      xenVersion: '3.4.1-rc7',
      cpus: 4,
      scheduler: 'credit',
      commandLine: 'console=/dev/null dom0_mem=128M iommu=1',
      iommu: true,
      dom0Mode: 'pv',
    });
    expect(r.events).toEqual([expect.objectContaining({ type: 'input-switch', target: 'dom0' })]);
  });

  it('4.13 arm64 `xl dmesg` in a mail: a soft-wrapped command line is read whole', () => {
    const r = publicLog('xen-4.13-arm64-null-sched-r-dmesg.log');
    expect(r.platform).toMatchObject({
      xenVersion: '4.13.1-pre',
      cpus: 6,
      scheduler: 'null',
      consoleRingKiB: 16,
      commandLine:
        'console=dtuart dtuart=/serial@5a060000 dom0_mem=3000M dom0_max_vcpus=5 hmp-unsafe=true dom0_vcpus_pin sched=null vwfi=native',
    });
    expect(r.events.map((e) => [e.type, e.target, e.detail.count ?? null])).toEqual([
      ['input-switch', 'dom0', null],
      ['messages-suppressed', null, 11],
    ]);
  });
});

describe('public logs: boot logs as forums and bug trackers carry them', () => {
  it('Xen 4.1.2 `xm dmesg` whose first line holds two messages: version and build read, 8 CPUs, HAP', () => {
    const r = publicLog('xen-4.1-boot-two-messages-one-line.log');
    expect(r.platform).toMatchObject({
      xenVersion: '4.1.2',
      cpus: 8,
      scheduler: 'credit',
      commandLine: 'placeholder',
      consoleRingKiB: 16,
      iommu: true,
      hap: true,
      dom0Mode: 'pv',
    });
    expect(r.events).toEqual([expect.objectContaining({ type: 'input-switch', target: 'dom0' })]);
  });

  it("Xen 4.14.0 from Qubes' console log file, every line behind a date stamp: version and command line", () => {
    const r = publicLog('xen-4.14-qubes-console-log-date-leader.log');
    expect(r.platform.xenVersion).toBe('4.14.0');
    expect(r.platform.commandLine).toBe(
      'placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M dom0_max_vcpus=1 dom0_vcpus_pin ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096 ept=exec-sp no-real-mode edd=off',
    );
    // 13 of its 16 lines are Xen's: not `Logfile Opened` and not the ` Xen 4.14.0` banner.
    expect(r.stats.xenLines).toBe(13);
  });
});

describe('public logs: debug keys', () => {
  it("4.19 arm64 '0' then 'q': four dom0 vCPUs dumped; three domains with their vCPUs' CPUs", () => {
    const r = publicLog('xen-4.19-arm64-dom0-regs-and-q.log');
    expect(r.platform.xenVersion).toBe('4.19-unstable');
    expect(r.captures.map((c) => c.key)).toEqual(['0', 'q']);
    const regs = capture(r, '0').parsed;
    expect(regs.vcpus.map((v) => [v.vcpu, v.rip])).toEqual([
      [0, 'ffff800008027e50'],
      [1, 'ffff800008c5dc80'],
      [2, 'ffff800008027e50'],
      [3, 'ffff800008027e50'],
    ]);
    const q = capture(r, 'q').parsed;
    expect(q.domains.map((d) => [d.id, d.nrPages, d.maxPages])).toEqual([
      [0, 262144, 262144],
      [1, 262148, 262400],
      [2, 262148, 262400],
    ]);
    expect(q.domains.map((d) => d.vcpus.map((v) => [v.id, v.cpu]))).toEqual([
      [
        [0, 3],
        [1, 1],
        [2, 1],
        [3, 3],
      ],
      [[0, 3]],
      [[0, 2]],
    ]);
  });

  it('`m` from a blog post after `xl dmesg`: Dom heap 4476036 kB free, Xen heap 0, nine zones', () => {
    const r = publicLog('xen-m-memory-info-blog.log');
    const m = capture(r, 'm');
    expect(m.found).toBe('first-line');
    expect(m.parsed.domHeapFreeKiB).toBe(4476036);
    expect(Object.keys(m.parsed.heapFreeKiB)).toEqual(['13', '15', '16', '17', '18', '19', '20', '21', '22']);
    expect(m.parsed.heapFreeKiB['19']).toBe(1031944);
  });

  it('arm64 `u` in a commit message: two nodes, CPUs 0-1 on node 0 and 2-3 on node 1, dom0 all on node 0', () => {
    const r = publicLog('xen-arm64-u-numa-patch.log');
    const u = capture(r, 'u').parsed;
    expect(u.nodes.map((n) => [n.id, n.sizePages, n.freePages])).toEqual([
      [0, 520192, 257673],
      [1, 524288, 499676],
    ]);
    expect(u.domains).toEqual([{ id: 0, totalPages: 262144, pagesByNode: { '0': 262144, '1': 0 } }]);
  });

  it('two `e` outputs quoted without their header: one `e` capture, domains 27 (3 ports) and 28 (4 ports)', () => {
    const r = publicLog('xen-e-headerless-two-domains.log');
    expect(r.captures.map((c) => [c.key, c.found])).toEqual([['e', 'first-line']]);
    const e = capture(r, 'e').parsed;
    expect(e.domains.map((d) => [d.id, d.ports.length])).toEqual([
      [27, 3],
      [28, 4],
    ]);
    // Port 1 of domain 27 is pending (p/m/s = 1/0/1), and so is port 4 of domain 28.
    expect(e.domains[0]?.ports[0]).toMatchObject({ port: 1, pending: 1, masked: 0 });
    expect(e.domains[1]?.ports[3]).toMatchObject({ port: 4, pending: 1, masked: 0 });
  });

  it('4.13 arm64 null scheduler: three `r` dumps (one inside `xl dmesg`), each ending at the next boot line', () => {
    const r = publicLog('xen-4.13-arm64-null-sched-r-dmesg.log');
    const runqs = r.captures.filter((c) => c.key === 'r');
    expect(runqs).toHaveLength(3);
    for (const c of runqs) expect((c.parsed as ParsedByKey['r']).scheduler).toBe('null');
    const current = (c: ReportCapture): (string | null)[] =>
      (c.parsed as ParsedByKey['r']).cpus.map((x) => x.current);
    expect(current(runqs[0] as ReportCapture)).toEqual(['d0v0', 'd0v1', 'd0v2', 'd0v3', 'd0v4', 'd1v0']);
    // After `xl destroy`: CPU 5's line names d1v0 but nothing runs there.
    expect(current(runqs[2] as ReportCapture)).toEqual(['d0v0', 'd0v1', 'd0v2', 'd0v3', 'd0v4', null]);
    // The boot lines of `xl dmesg` are not the first `r`'s: it ends at its last CPU line.
    expect((runqs[0] as ReportCapture).text).not.toContain('Checking for initrd');
  });

  it('4.14 credit2 `r` quoted, with tabs and hard wraps: 16 CPUs, CPU 3 idle, CPU 8 running d0v13', () => {
    const r = publicLog('xen-4.14-credit2-r-quoted-wrapped.log');
    const runq = capture(r, 'r').parsed;
    expect(runq.scheduler).toBe('credit2');
    expect(runq.onlineCpus).toEqual([...Array(16).keys()]);
    expect(runq.cpus).toHaveLength(16);
    expect(runq.cpus[3]?.current).toBe('d[IDLE]v3');
    expect(runq.cpus[8]?.current).toBe('d0v13');
    expect(runq.domains.map((d) => d.id)).toEqual([...Array(14).keys()]);
  });

  it('4.14 `d` quoted without its header, from `*** Dumping CPU1`: one capture of CPUs 1, 2, 5, 6, 7', () => {
    const r = publicLog('xen-4.14-d-headerless-spin-lock.log');
    expect(r.captures.map((c) => c.key)).toEqual(['d']);
    const d = capture(r, 'd').parsed;
    expect(d.cpus.map((c) => c.cpu)).toEqual([1, 2, 5, 6, 7]);
    for (const c of d.cpus) expect(c.callTrace[0]?.symbol).toMatch(/^_spin_lock\+0x3[25]\/0x40$/);
  });

  it('4.8 arm64 `*` double-spaced: its `d` part is also a capture of key `d`, with CPUs 0-3', () => {
    const r = publicLog('xen-4.8-arm64-star-d-double-spaced.log');
    expect(r.platform.xenVersion).toBe('4.8.5');
    expect(r.captures.map((c) => [c.key, c.found])).toEqual([
      ['h', 'header'],
      ['*', 'header'],
      ['d', 'star-part'],
    ]);
    expect((capture(r, '*').parsed as ParsedByKey['*']).parts.map((p) => p.key)).toEqual(['d']);
    const d = capture(r, 'd');
    expect(d.description).toBe('dump registers');
    const cpus: ParsedByKey['d']['cpus'] = d.parsed.cpus;
    expect(cpus.map((c) => c.cpu)).toEqual([0, 1, 2, 3]);
    expect(cpus.slice(1).map((c) => c.symbol)).toEqual(Array(3).fill('idle_loop+0x74/0x11c'));
    // The `h` list (wrapped before "(dmesg)") names 16 keys.
    expect(capture(r, 'h').parsed.handlers).toHaveLength(16);
  });
});

describe('public logs: pasted without the (XEN) prefix, or with too many', () => {
  it('4.19 EFI_GET_TIME page fault quoted in a commit message without prefixes: fatal trap and panic on CPU 0', () => {
    const r = publicLog('xen-4.19-no-prefix-efi-get-time-page-fault.log');
    expect(r.platform.xenVersion).toBe('4.19-unstable');
    expect(types(r)).toEqual(['fatal-trap', 'panic']);
    expect(r.events[1]).toMatchObject({ cpu: 0, message: 'FATAL PAGE FAULT' });
    expect(r.events[1]?.detail.lines).toEqual([
      'FATAL PAGE FAULT',
      '[error_code=0011]',
      'Faulting linear address: 0000000062ccfa70',
    ]);
    expect(r.events[1]?.callTrace?.map((f) => f.symbol)[2]).toBe('arch/x86/time.c#get_cmos_time+0x1b3/0x26e');
    expect(r.events[1]?.callTrace).toHaveLength(6);
  });

  it('4.18 EFI reboot without prefixes: `FATAL TRAP: vector = 6 (invalid opcode)` on CPU 0, 11 frames', () => {
    const r = publicLog('xen-4.18-no-prefix-efi-reboot-invalid-opcode.log');
    expect(r.platform.xenVersion).toBe('4.18-unstable');
    expect(types(r)).toEqual(['fatal-trap', 'panic']);
    expect(r.events[1]).toMatchObject({ cpu: 0, message: 'FATAL TRAP: vector = 6 (invalid opcode)' });
    expect(r.events[1]?.callTrace).toHaveLength(11);
    expect(r.events[1]?.callTrace?.[2]?.symbol).toBe('machine_restart+0x1da/0x261');
  });

  it('4.19 credit2 assertion without prefixes: the assertion with its 12-frame trace, then the panic', () => {
    const r = publicLog('xen-4.19-no-prefix-credit2-assertion-cpu-down.log');
    expect(types(r)).toEqual(['assertion', 'panic']);
    expect(r.events[0]).toMatchObject({
      cpu: 0,
      message: "Assertion '!cpumask_test_cpu(cpu, &prv->initialized)' failed at common/sched/credit2.c:4111",
    });
    expect(r.events[0]?.callTrace).toHaveLength(12);
    expect(firstSymbol(r, 'assertion')).toBe('common/sched/credit2.c#csched2_free_pdata+0xc8/0x177');
    expect(r.findings[0]?.id).toBe('xen-assertion');
  });

  it('eight (XEN) prefixes on one line are one prefix: four Xen lines, two from the firmware', () => {
    const r = publicLog('xen-efifb-repeated-prefixes.log');
    expect(r.stats.xenLines).toBe(4);
    const line = readFileSync(path.join(DIR, 'xen-efifb-repeated-prefixes.log'), 'utf8').split(
      '\n',
    )[4] as string;
    expect(normaliseLine(line)).toMatchObject({
      kind: 'xen',
      text: '\ufffdERROR: Class:0; Subclass:0; Operation: 0',
    });
  });

  it('4.19 dom0 crash with boot timestamps (Qubes issue excerpt): a dom0-crash event at 5.040906 s', () => {
    const r = publicLog('xen-4.19-dom0-crash-timestamps-efi-reboot.log');
    expect(r.platform.xenVersion).toBe('4.19-unstable');
    expect(r.stats.timestampForms).toEqual(['boot']);
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'dom0-crash',
        message: 'Hardware Dom0 crashed: rebooting machine in 5 seconds.',
        time: '5.040906',
      }),
    ]);
  });
});
