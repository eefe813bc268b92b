// Keys a, t, n, s, z, M, Q, g, c, x, v, I: real 4.17 output and older forms from the reference.

import { describe, expect, it } from 'vitest';
import { parseClocks } from '../../src/parse/keys/clocks.js';
import { parseCx } from '../../src/parse/keys/cx.js';
import { parseGrant } from '../../src/parse/keys/grant.js';
import { parseHvmIrq } from '../../src/parse/keys/hvm-irq.js';
import { parseIoApic } from '../../src/parse/keys/ioapic.js';
import { parseLivepatch } from '../../src/parse/keys/livepatch.js';
import { parseMsi } from '../../src/parse/keys/msi.js';
import { parseNmi } from '../../src/parse/keys/nmi.js';
import { parsePci } from '../../src/parse/keys/pci.js';
import { parseSoftTsc } from '../../src/parse/keys/softtsc.js';
import { parseTimers } from '../../src/parse/keys/timers.js';
import { parseVmcs } from '../../src/parse/keys/vmcs.js';
import { lines } from './lines.js';

describe('a, t, n, s', () => {
  it('a: timers per CPU, negative expiries too', () => {
    const a = parseTimers(
      lines(`
(XEN) Dumping timer queues:
(XEN) CPU00:
(XEN)   ex=       30568us timer=ffff83005fd65068 cb=common/sched/core.c#vcpu_singleshot_timer_fn(ffff83005fd65000)
(XEN) CPU01:
(XEN)   ex=        -120us timer=ffff82d0405a5fc0 cb=arch/x86/time.c#time_calibration(0000000000000000)
`),
    );
    expect(a.unrecognised).toEqual([]);
    expect(a.cpus.map((c) => [c.cpu, c.timers.map((t) => [t.expiresUs, t.callback])])).toEqual([
      [0, [[30568, 'common/sched/core.c#vcpu_singleshot_timer_fn']]],
      [1, [[-120, 'arch/x86/time.c#time_calibration']]],
    ]);
  });

  it('t: stime (ns) and cycles skews', () => {
    const t = parseClocks([
      '(XEN) Synced stime skew: max=4516565ns avg=4516565ns samples=1 current=4516565ns',
      '(XEN) Synced cycles skew: max=11135384 avg=11135384 samples=1 current=11135384',
    ]);
    expect(t).toEqual({
      stimeSkew: { max: 4516565, avg: 4516565, samples: 1, current: 4516565 },
      cyclesSkew: { max: 11135384, avg: 11135384, samples: 1, current: 11135384 },
      unrecognised: [],
    });
  });

  it('n: NMI counts (tab-separated) and the dom0 vCPU line, 4.14+ and the ≤4.13 [sic] form', () => {
    expect(
      parseNmi(['(XEN) CPU\tNMI', '(XEN)   0\t  2', '(XEN)   1\t  0', '(XEN) d0v0: NMI pending masked']),
    ).toEqual({
      cpus: [
        { cpu: 0, nmis: 2 },
        { cpu: 1, nmis: 0 },
      ],
      vcpu: { vcpu: 'd0v0', pending: true, masked: true },
      unrecognised: [],
    });
    expect(parseNmi(['(XEN) dom0 vpu0: NMI neither pending nor masked']).vcpu).toEqual({
      vcpu: 'd0v0',
      pending: false,
      masked: false,
    });
  });

  it('s: the TSC verdict and emulated-TSC domains', () => {
    const s = parseSoftTsc([
      '(XEN) TSC has constant rate, no deep Cstates, passed warp test, deemed reliable, warp=0 (count=2)',
      '(XEN) dom1(hvm): mode=0,ofs=0x1d9a3,khz=2596124,inc=1',
    ]);
    expect(s).toMatchObject({ reliable: true, warp: 0, noEmulatedTsc: false, unrecognised: [] });
    expect(s.domains).toEqual([
      { domain: 1, hvm: true, fields: { mode: '0', ofs: '0x1d9a3', khz: '2596124', inc: '1' } },
    ]);
  });
});

describe('z, M, Q, g, c', () => {
  it('z: registers, the redirection table (4.13+ columns) and IRQ→pin map', () => {
    const z = parseIoApic(
      lines(`
(XEN) number of MP IRQ sources: 15.
(XEN) number of IO-APIC #0 registers: 24.
(XEN) testing the IO APIC.......................
(XEN) IO APIC #0......
(XEN) .... register #00: 00000000
(XEN) .......    : physical APIC id: 00
(XEN) .... register #01: 00170020
(XEN) .... IRQ redirection table:
(XEN)  NR Dst Msk Trg IRR Pol Stat DstM DelM Vec
(XEN)  00  00  1   0   0   0   0    0    0    00
(XEN)  01  40  0   0   0   0   0    1    1    A8
(XEN) Using vector-based indexing
(XEN) IRQ to pin mappings:
(XEN) IRQ240 -> 0:2
(XEN) .................................... done.
`),
    );
    expect(z.unrecognised).toEqual([]);
    expect(z).toMatchObject({ mpIrqSources: 15, complete: true, irqToPin: { '240': ['0:2'] } });
    expect(z.ioApics[0]?.registers).toEqual({ '00': '00000000', '01': '00170020' });
    expect(z.ioApics[0]?.redirection[1]).toMatchObject({ NR: '01', Dst: '40', Vec: 'A8' });
  });

  it('z: the ≤4.12 table header', () => {
    const z = parseIoApic([
      '(XEN) IO APIC #2......',
      '(XEN)  NR Log Phy Mask Trig IRR Pol Stat Dest Deli Vect: ',
      '(XEN)  00 000 00  1    0    0   0   0    0    0    00',
    ]);
    expect(z.ioApics[0]?.redirection[0]).toMatchObject({ NR: '00', Log: '000', Vect: '00' });
  });

  it('M: MSI entries', () => {
    const m = parseMsi([
      '(XEN) MSI information:',
      '(XEN)  MSI-X  114 vec=51 lowest  edge   assert  log lowest dest=00000555 mask=1/  /0',
      '(XEN)  MSI     26 vec=b1 lowest  edge   assert  log lowest dest=00000001 mask=0/HG/1',
    ]);
    expect(m.unrecognised).toEqual([]);
    expect(m.entries.map((e) => [e.type, e.irq, e.vector, e.dest])).toEqual([
      ['MSI-X', 114, '51', '00000555'],
      ['MSI', 26, 'b1', '00000001'],
    ]);
  });

  it('Q: devices in the 4.17 form and the older `dom %d` / `%pd` forms', () => {
    const q = parsePci(
      lines(`
(XEN) ==== PCI devices ====
(XEN) ==== segment 0000 ====
(XEN) 0000:00:01.3 - d0 - node -1 
(XEN) 0000:03:00.0 - d1 - node 0   - MSIs < 120 121 >
(XEN) 0000:04:00.0 - DomIO:7ff1 - node 0  
(XEN) 0000:00:1f.2 - dom 0   - MSIs < 26 >
(XEN) 0000:00:1f.3 - dom 0   - node 0   - MSIs < >
`),
    );
    expect(q.unrecognised).toEqual([]);
    expect(q.devices.map((d) => [d.sbdf, d.domain, d.node, d.msis])).toEqual([
      ['0000:00:01.3', 'd0', -1, []],
      ['0000:03:00.0', 'd1', 0, [120, 121]],
      ['0000:04:00.0', 'DomIO:7ff1', 0, []],
      ['0000:00:1f.2', 'd0', null, [26]],
      ['0000:00:1f.3', 'd0', 0, []],
    ]);
  });

  it('g: 4.10+ per-domain frames and the 4.4–4.9 heading with entries', () => {
    const g = parseGrant(
      lines(`
(XEN) gnttab_usage_print_all [ key 'g' pressed
(XEN)       -------- active --------       -------- shared --------
(XEN) [ref] localdom mfn      pin          localdom gmfn     flags
(XEN) grant-table for remote d0 (v1)
(XEN)   1 frames (64 max), 0 maptrack frames (1024 max)
(XEN) no active grant table entries
(XEN) grant-table for remote domain:    1 (v1)
(XEN) [  8]        0 0x0a1b2c 0x00000001          0 0x0a1b2c 0x19
(XEN) gnttab_usage_print_all ] done
`),
    );
    expect(g.unrecognised).toEqual([]);
    expect(g.complete).toBe(true);
    expect(g.domains.map((d) => [d.domain, d.frames, d.noActiveEntries, d.entries.length])).toEqual([
      [0, 1, true, 0],
      [1, null, false, 1],
    ]);
  });

  it('c: C-states with the current one starred, and residencies', () => {
    const c = parseCx(
      lines(`
(XEN) 'c' pressed -> printing ACPI Cx structures
(XEN) max state: unlimited
(XEN) max sub-state: unlimited
(XEN) ==cpu0==
(XEN)    *C0:	usage[    1234] duration[20526152361]
(XEN)     C1:	type[C1] latency[  1] usage[      10] method[  FFH] duration[100]
(XEN) PC2[0] PC3[0] PC6[5] PC7[0]
(XEN) CC3[0] CC6[7] CC7[0]
`),
    );
    expect(c.unrecognised).toEqual([]);
    expect(c.cpus[0]?.states.map((s) => [s.state, s.current, s.fields['usage']])).toEqual([
      ['C0', true, '1234'],
      ['C1', false, '10'],
    ]);
    expect(c.cpus[0]?.residencies).toMatchObject({ PC6: '5', CC6: '7' });
  });
});

describe('x, v, I', () => {
  it('x: build-id and patches', () => {
    const x = parseLivepatch([
      "(XEN) 'x' pressed - Dumping all livepatch patches",
      '(XEN) build-id: 151b373fd64b321593bf987fd923cd10dabadac4',
      '(XEN)  name=xsa-999 state=APPLIED(2) ffff82d040600000 (.data=ffff82d040601000, .rodata=ffff82d040602000) using 3 pages.',
      '(XEN)     do_foo patch ffff82d040200000(32) with ffff82d040600000 (40)',
    ]);
    expect(x).toMatchObject({ buildId: '151b373fd64b321593bf987fd923cd10dabadac4', unrecognised: [] });
    expect(x.patches.map((p) => [p.name, p.state])).toEqual([['xsa-999', 'APPLIED(2)']]);
  });

  it('v: the VMCB/VMCS frame, domains and vCPUs', () => {
    const v = parseVmcs([
      '(XEN) *********** VMCS Areas **************',
      '(XEN) ',
      '(XEN) >>> Domain 1 <<<',
      '(XEN) \tVCPU 0',
      '(XEN) *** Guest State ***',
      '(XEN) CR0: actual=0x0000000080050033, shadow=0x0000000080050033, gh_mask=ffffffffffffffff',
      '(XEN) **************************************',
    ]);
    expect(v).toMatchObject({ kind: 'vmcs', complete: true, unrecognised: [] });
    expect(v.domains[0]?.vcpus[0]?.lines).toHaveLength(2);
  });

  it('I: HVM domains', () => {
    const i = parseHvmIrq([
      "(XEN) 'I' pressed -> dumping HVM irq info",
      '(XEN) Domain 1:',
      '(XEN) PCI 0x00000000000000000000000000000000 ISA 0x00000000 ROUTE 5 10 11 5',
      '(XEN) Callback via 0:0x0, not asserted',
    ]);
    expect(i.unrecognised).toEqual([]);
    expect(i.domains).toEqual([
      { id: 1, lines: [expect.stringMatching(/^PCI/), 'Callback via 0:0x0, not asserted'] },
    ]);
  });
});
