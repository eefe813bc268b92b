import { describe, expect, it } from 'vitest';
import { parseDom0Virt } from '../../src/parse/dom0-virt.js';
import { lines } from './lines.js';

describe('dom0 kernel lines → virtualisation mode', () => {
  it('PV: a 6.1 dom0 (real lines from the recordings)', () => {
    const d = parseDom0Virt(
      lines(`
[    0.000000] Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP
[    0.000000] Hypervisor detected: Xen PV
[    0.283530] Setting APIC routing to Xen PV.
[    0.993066] Booting kernel on Xen
[    0.993171] Xen version: 4.17.7 (preserve-AD)
[    1.624788] xen:events: Using FIFO-based ABI
[    1.743432] installing Xen timer for CPU 0
(XEN) Hypervisor detected: Xen HVM
`),
    );
    expect(d).toEqual({
      mode: 'pv',
      evidence: ['Hypervisor detected: Xen PV', 'Setting APIC routing to Xen PV.', 'Booting kernel on Xen'],
      kernel: '6.1.0-50-amd64',
      xenVersion: '4.17.7 (preserve-AD)',
      eventChannelAbi: 'fifo',
      panic: null,
      trouble: [],
    });
  });

  it('PV: the older "Booting paravirtualized kernel on Xen", behind a syslog stamp', () => {
    expect(
      parseDom0Virt(['Dec 11 09:44:20 host kernel: [    0.000000] Booting paravirtualized kernel on Xen'])
        .mode,
    ).toBe('pv');
  });

  it('PVH: "Xen HVM" detected but booted on Xen PVH (6.19 on 4.21, real lines)', () => {
    const d = parseDom0Virt(
      lines(`
[    0.000000] Hypervisor detected: Xen HVM
[    0.146507] Booting kernel on Xen PVH
[    0.285131] xen:events: Xen HVM callback vector for event delivery is enabled
`),
    );
    expect(d.mode).toBe('pvh');
  });

  it('PVHVM with the callback vector; plain HVM without any PV clue', () => {
    expect(
      parseDom0Virt([
        'kernel: Booting paravirtualized kernel on Xen HVM',
        'kernel: xen:events: Using 2-level ABI',
        'kernel: xen:events: Xen HVM callback vector for event delivery is enabled',
      ]),
    ).toMatchObject({ mode: 'pvhvm', eventChannelAbi: '2-level' });
    expect(parseDom0Virt(['[    0.000000] Hypervisor detected: Xen HVM']).mode).toBe('hvm');
    expect(parseDom0Virt(['nothing here']).mode).toBeNull();
  });

  it('a kernel panic with the call trace that follows it, across an interleaved Xen line', () => {
    const d = parseDom0Virt(
      lines(`
[    5.987786] Kernel panic - not syncing: sysrq triggered crash
[    5.992927] Call Trace:
[    5.994843]  <TASK>
[    5.996321]  dump_stack_lvl+0x44/0x5c
[    5.997882]  panic+0x118/0x2f4
[    5.999053]  ? _printk+0x68/0x83
(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)
[    6.020395]  sysrq_handle_crash+0x16/0x20
[    6.037901]  </TASK>
[    6.039235] Kernel Offset: disabled
`),
    );
    expect(d.panic).toEqual({
      message: 'sysrq triggered crash',
      callTrace: ['dump_stack_lvl', 'panic', '? _printk', 'sysrq_handle_crash'],
      line: 0,
    });
  });
});
