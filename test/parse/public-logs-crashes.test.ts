// Real console logs from public sources (test/fixtures/public, each citing its source on its first line),
// read whole through the report path. Every expectation below was read off the log by a person: the
// version in its banner, the CPU in its panic box, the domains `q` lists, the CPUs `d` dumps.
// This file: panics, traps, assertions and other crashes.

import { describe, expect, it } from 'vitest';
import { publicLog, capture, types, firstSymbol } from './public-logs-read.js';

describe('public logs: panics, traps and assertions', () => {
  it('4.21 arm64 BUG in arm_iommu_map_page (hard-wrapped first line): a panic on CPU 0 with 11 frames', () => {
    const r = publicLog('xen-4.21-arm64-bug-iommu-map-page.log');
    expect(r.platform.xenVersion).toBe('4.21-unstable');
    const panic = r.events.find((e) => e.type === 'panic');
    expect(panic).toMatchObject({ cpu: 0, message: 'Xen BUG at drivers/passthrough/arm/iommu_helpers.c:49' });
    expect(panic?.callTrace).toHaveLength(11);
    expect(panic?.callTrace?.[0]?.symbol).toBe('arm_iommu_map_page+0x80/0x90');
    expect(panic?.callTrace?.[10]?.symbol).toBe('head.o#primary_switched+0x4/0x10');
  });

  it('arm64 assertion while bringing up CPU 2 (from its call trace on): a panic on CPU 2', () => {
    const r = publicLog('xen-arm64-assertion-gicv3-lpi.log');
    const panic = r.events.find((e) => e.type === 'panic');
    expect(panic?.cpu).toBe(2);
    expect(panic?.message).toMatch(/^Assertion '!in_irq\(\) && .*' failed at common\/page_alloc\.c:2212$/);
    expect(panic?.callTrace?.map((f) => f.symbol)[0]).toBe('alloc_xenheap_pages+0x178/0x194');
    expect(panic?.callTrace).toHaveLength(10);
  });

  it('arm32 assertion quoted three deep and wrapped inside the panic box: the panic on CPU 2', () => {
    const r = publicLog('xen-arm32-assertion-xmalloc-wrapped.log');
    const panic = r.events.find((e) => e.type === 'panic');
    expect(panic?.cpu).toBe(2);
    expect(panic?.message).toMatch(
      /^Assertion '!in_irq\(\) && \(local_irq_is_enabled\(\) \|\| num_online_cpus\(\)$/,
    );
    // 32-bit Arm: 8-digit addresses.
    expect(panic?.callTrace?.[0]).toEqual({ address: '002389f4', symbol: '_xmalloc+0xfc/0x314' });
    expect(panic?.callTrace).toHaveLength(7);
  });

  it('4.15 arm32 undefined instruction: an unexpected trap is a fatal trap and a panic, on CPU 0', () => {
    const r = publicLog('xen-4.15-arm32-undefined-instruction.log');
    expect(r.platform.xenVersion).toBe('4.15-unstable');
    expect(r.platform.buildId).toBe('85d361b8565b90d4e0defe2beb2419e191fd76b4');
    expect(types(r)).toEqual(['fatal-trap', 'panic']);
    for (const e of r.events)
      expect(e).toMatchObject({ cpu: 0, message: 'CPU0: Unexpected Trap: Undefined Instruction' });
    expect(firstSymbol(r, 'panic')).toBe('identify_cpu+0xc0/0xd4');
    expect(r.findings[0]?.id).toBe('xen-fatal-trap');
  });

  it('4.16 arm64 data abort in vPCI (two quoted excerpts): fatal trap and panic on CPU 0, 12 frames', () => {
    const r = publicLog('xen-4.16-arm64-data-abort-vpci.log');
    expect(r.platform.xenVersion).toBe('4.16-unstable');
    expect(types(r)).toEqual(['fatal-trap', 'panic']);
    expect(r.events[1]).toMatchObject({
      type: 'panic',
      cpu: 0,
      message: 'CPU0: Unexpected Trap: Data Abort',
    });
    expect(r.events[1]?.callTrace).toHaveLength(12);
    expect(firstSymbol(r, 'panic')).toBe('pci_generic_config_read+0x88/0x9c');
  });

  it('4.15 arm64 with a two-space indent: no GIC is a panic on CPU 0; the command line is read', () => {
    const r = publicLog('xen-4.15-arm64-panic-no-gic-indented.log');
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'panic',
        cpu: 0,
        message: 'Unable to find compatible GIC in the device tree',
      }),
    ]);
    expect(r.platform.commandLine).toBe(
      'placeholder loglvl=all guest_loglvl=all com1=115200,8n1,0x3e8,5console=com1,vg no-real-mode edd=off',
    );
  });

  it('4.17 GPF quoted and hard-wrapped: `Panic on CPU 6:` is a panic, the GPF also a fatal trap', () => {
    const r = publicLog('xen-4.17-gpf-cpupool-quoted-wrapped.log');
    expect(r.platform.xenVersion).toBe('4.17.3-pre');
    expect(types(r)).toEqual(['fatal-trap', 'panic']);
    for (const e of r.events) expect(e).toMatchObject({ cpu: 6, message: 'GENERAL PROTECTION FAULT' });
    expect(firstSymbol(r, 'panic')).toBe('schedule_cpu_add+0x50/0x456');
    // One crash, one finding.
    expect(r.findings.filter((f) => f.severity === 'critical').map((f) => f.id)).toEqual(['xen-fatal-trap']);
  });

  it('4.17 assertion with no-break spaces from quoted-printable: the assertion, its RIP frame and panic', () => {
    const r = publicLog('xen-4.17-assertion-cet-qp-nbsp.log');
    expect(r.platform.xenVersion).toBe('4.17.0-10.24-d');
    expect(types(r)).toEqual(['assertion', 'panic']);
    expect(r.events[0]).toMatchObject({
      cpu: 0,
      message: "Assertion 'local_irq_is_enabled()' failed at arch/x86/smp.c:265",
    });
    expect(r.events[0]?.callTrace?.map((f) => f.address)).toEqual([
      'ffff82d040345300',
      'ffff82d040338a40',
      'ffff82d0404474f9',
      'ffff82d0404476cc',
      'ffff82d04044e37d',
      'ffff82d040203344',
    ]);
    expect(firstSymbol(r, 'assertion')).toBe('flush_area_mask+0x40/0x13e');
  });

  it('4.14 watchdog during PVH dom0 construction, double-spaced: CPU 0 in page_get_ram_type', () => {
    const r = publicLog('xen-4.14-watchdog-pvh-dom0-double-spaced.log');
    expect(r.platform.xenVersion).toBe('4.14-unstable');
    expect(r.platform.dom0Mode).toBe('pvh');
    expect(types(r)).toEqual(['watchdog']);
    expect(r.events[0]?.cpu).toBe(0);
    expect(r.events[0]?.callTrace).toHaveLength(8);
    expect(firstSymbol(r, 'watchdog')).toBe('page_get_ram_type+0x58/0xb6');
  });
});

describe('public logs: more crashes, from issues and mails', () => {
  it('4.17 Qubes AMD IOMMU BUG (issue excerpt): a panic on CPU 0 in amd_iommu_prepare', () => {
    const r = publicLog('xen-4.17-qubes-bug-amd-iommu-init.log');
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'panic',
        cpu: 0,
        message: 'Xen BUG at drivers/passthrough/amd/iommu_init.c:1386',
      }),
    ]);
    expect(r.events[0]?.callTrace?.map((f) => f.symbol)).toEqual([
      'amd_iommu_prepare+0x288/0x390',
      'amd_iommu_init+0x19/0x3c0',
      'pci_amd_iommu.c#iov_detect+0x26/0x70',
      'iommu_setup+0x3c/0x230',
      '__start_xen+0x1672/0x264b',
      '__high_start+0x94/0xa0',
    ]);
  });

  it('4.17.2 register dump cut before its trace (issue excerpt): the version, and no crash made up', () => {
    const r = publicLog('xen-4.17-dasharo-credit2-register-excerpt.log');
    expect(r.platform.xenVersion).toBe('4.17.2');
    expect(r.events).toEqual([]);
  });

  it('4.13 GPF in the EFI reboot path, then an assertion during kexec: two crashes on CPU 0, in order', () => {
    const r = publicLog('xen-4.13-gpf-then-kexec-assertion.log');
    expect(r.platform.xenVersion).toBe('4.13-unstable');
    expect(r.events.map((e) => [e.type, e.cpu, e.callTrace?.length])).toEqual([
      ['fatal-trap', 0, 10],
      ['panic', 0, 10],
      ['assertion', 0, 22],
      ['panic', 0, 22],
    ]);
    expect(r.events[2]?.message).toBe(
      "Assertion 'offset == (val & (INTREMAP_ENTRIES - 1))' failed at iommu_intr.c:567",
    );
    expect(r.findings.filter((f) => f.severity === 'critical').map((f) => f.id)).toEqual([
      'xen-fatal-trap',
      'xen-assertion',
    ]);
  });

  it('4.18 arm64 WARN then BUG, double-spaced: the BUG and its panic on CPU 0 with the 7 frames of the BUG, not of the WARN', () => {
    const r = publicLog('xen-4.18-arm64-warn-then-bug-double-spaced.log');
    expect(r.platform.xenVersion).toBe('4.18-unstable');
    // The WARN is no event; the BUG line is (BUG_ON: an assertion), then its panic box.
    expect(r.events).toEqual([
      expect.objectContaining({ type: 'assertion', cpu: 0, message: 'Xen BUG at arch/arm/arm64/mm.c:120' }),
      expect.objectContaining({ type: 'panic', cpu: 0, message: 'Xen BUG at arch/arm/arm64/mm.c:120' }),
    ]);
    expect(r.events[1]?.callTrace).toEqual(r.events[0]?.callTrace);
    // One crash, one finding.
    expect(r.findings.filter((f) => f.severity === 'critical').map((f) => f.headline)).toEqual([
      'Xen BUG on CPU 0: Xen BUG at arch/arm/arm64/mm.c:120 at update_identity_mapping+0x90/0x94',
    ]);
    expect(r.events[0]?.callTrace?.map((f) => f.symbol)).toEqual([
      'update_identity_mapping+0x90/0x94',
      'update_identity_mapping+0x58/0x94',
      'arch_cpu_up+0x30/0x78',
      '__cpu_up+0x80/0x1d0',
      'cpu_up+0xc8/0xf8',
      'start_xen+0x8fc/0xcb0',
      'head.o#primary_switched+0x10/0x30',
    ]);
  });

  it("4.19 CHECKLOCK BUG quoted, indented and elided: all ten of its (XEN) lines are Xen's, the banner gives 4.19", () => {
    const r = publicLog('xen-4.19-checklock-bug-indented-elided.log');
    expect(r.platform.xenVersion).toBe('4.19-unstable');
    expect(r.stats.xenLines).toBe(10);
    // The quote stops before the panic box, but the BUG line says Xen died: an assertion event (BUG_ON),
    // its trace from the quoted call trace; its CPU line fell in the "...", so no CPU is made up.
    expect(r.events).toEqual([
      expect.objectContaining({ type: 'assertion', cpu: null, message: 'Xen BUG at common/spinlock.c:132' }),
    ]);
    expect(r.events[0]?.callTrace?.map((f) => f.symbol)).toEqual([
      'check_lock+0xcd/0xe1',
      '_spin_lock+0x1b/0x60',
      'pt_update_irq+0x32/0x3bb',
      'vmx_intr_assist+0x3b/0x51d',
      'vmx_asm_vmexit_handler+0xf7/0x210',
    ]);
    // Not healthy: the first finding is the BUG, at check_lock.
    expect(r.findings[0]).toMatchObject({
      severity: 'critical',
      headline: 'Xen BUG: Xen BUG at common/spinlock.c:132 at check_lock+0xcd/0xe1',
    });
  });

  it("4.15 XTF: a nested Xen's lines behind `(d6)` are guest 6's, not this host's (no host version, no event)", () => {
    const r = publicLog('xen-4.15-xtf-guest-prefixed-xen-lines.log');
    expect(r.stats.guestLines).toBe(15);
    expect(r.stats.xenLines).toBe(0);
    expect(r.platform.xenVersion).toBeNull();
    expect(r.events).toEqual([]);
  });

  it('arm64 static-memory BUG quoted with "[snip]": the command line; the BUG line is the crash, with no CPU or trace', () => {
    const r = publicLog('xen-arm64-static-mem-bug-quoted-snip.log');
    expect(r.platform.commandLine).toBe('console=dtuart conswitch=ax');
    expect(r.stats.xenLines).toBe(15);
    // "[snip]" right after the BUG line: no panic box, CPU or trace, but Xen died there.
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'assertion',
        cpu: null,
        message: 'Xen BUG at common/page_alloc.c:1474',
        callTrace: null,
        line: 14,
      }),
    ]);
    expect(r.findings[0]).toMatchObject({
      severity: 'critical',
      headline: 'Xen BUG: Xen BUG at common/page_alloc.c:1474',
    });
    expect(r.findings.map((f) => f.id)).not.toContain('healthy');
  });

  it('arm64 dom0less, indented: five DOM1 (vpl011) guest lines and an `r` cut after NOW=', () => {
    const r = publicLog('xen-arm64-dom0less-vpl011-indented.log');
    expect(r.stats.guestLines).toBe(5);
    expect(capture(r, 'r').parsed.now).toBe(16800131328);
    expect(r.events).toEqual([]);
  });
});
