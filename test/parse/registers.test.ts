import { describe, expect, it } from 'vitest';
import { parseExecState } from '../../src/parse/exec-state.js';
import { parseDom0Registers } from '../../src/parse/keys/dom0-registers.js';
import { parseRegisters } from '../../src/parse/keys/registers.js';
import { lines } from './lines.js';

// Real 4.17.7 output (recordings/xen-4.17-dom0-panic-keys), CPU1 cut short.
const D_417 = lines(`
(XEN) 'd' pressed -> dumping registers
(XEN) 
(XEN) *** Dumping CPU0 host state: ***
(XEN) ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) CPU:    0
(XEN) RIP:    e008:[<ffff82d0402f9c06>] arch/x86/domain.c#default_idle+0xc6/0xf0
(XEN) RFLAGS: 0000000000000206   CONTEXT: hypervisor
(XEN) rax: 0000000000000000   rbx: ffff83005ffd7ef8   rcx: 0000000000000048
(XEN) r15: ffff82d040594420   cr0: 000000008005003b   cr4: 00000000000006e0
(XEN) ds: 0000   es: 0000   fs: 0000   gs: 0000   ss: e010   cs: e008
(XEN) Xen code around <ffff82d0402f9c06> (arch/x86/domain.c#default_idle+0xc6/0xf0):
(XEN)  66 66 90 66 66 90 fb f4 <80> a3 04 01 00 00 fe 8b 83 fc 00 00 00 89 f1 66
(XEN) Xen stack trace from rsp=ffff83005ffd7e98:
(XEN)    0000000000000000 ffff82d0402fa741 ffff82d040580f00 ffff82d04057a1f0
(XEN)    0000000500000000
(XEN) Xen call trace:
(XEN)    [<ffff82d0402f9c06>] R arch/x86/domain.c#default_idle+0xc6/0xf0
(XEN)    [<ffff82d0402fa741>] S arch/x86/domain.c#idle_loop+0xc1/0x130
(XEN) 
(XEN) *** Dumping CPU1 guest state (d0v1): ***
(XEN) ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) CPU:    1
(XEN) RIP:    e033:[<ffffffff819ec723>]
(XEN) RFLAGS: 0000000000000283   EM: 1   CONTEXT: pv guest (d0v1)
(XEN) rax: 00000008a6c0cd14   rbx: 0000000000000bb8   rcx: 00000000009e73c8
(XEN) Guest stack trace from rsp=ffffc90040013c20:
(XEN)    ffffffff819f6e33 0000000000000008 ffffc90040013ca8 ffffc90040013c48
(XEN) 
`);

describe('d: dump registers', () => {
  it('gives each CPU its RIP, symbol, context and call trace (4.13+ R/S frames)', () => {
    const d = parseRegisters(D_417);
    expect(d.unrecognised).toEqual([]);
    expect(d.xenVersion).toBe('4.17.7');
    expect(d.cpus.map((c) => [c.cpu, c.rip, c.symbol, c.context, c.vcpu])).toEqual([
      [0, 'ffff82d0402f9c06', 'arch/x86/domain.c#default_idle+0xc6/0xf0', 'hypervisor', null],
      [1, 'ffffffff819ec723', null, 'pv guest', 'd0v1'],
    ]);
    expect(d.cpus[0]?.callTrace.map((f) => [f.address, f.frame])).toEqual([
      ['ffff82d0402f9c06', 'R'],
      ['ffff82d0402fa741', 'S'],
    ]);
    const host = d.cpus[0]?.host;
    expect(host?.banner).toEqual({
      version: '4.17.7',
      arch: 'x86_64',
      buildInfo: 'debug=n',
      taint: 'Not tainted',
    });
    expect(host?.registers).toMatchObject({ rax: '0000000000000000', cr4: '00000000000006e0', cs: 'e008' });
    expect(host?.codeAround?.bytes).toContain('<80>');
    expect(host?.stack).toMatchObject({ kind: 'xen', from: 'ffff83005ffd7e98' });
    expect(host?.stack?.words).toHaveLength(5);
    expect(d.cpus[1]?.guest?.em).toBe(1);
    expect(d.cpus[1]?.guest?.stack?.kind).toBe('guest');
  });

  it('reads 4.4 output: the (d%d:v%d) guest header, the old banner, a call trace without frame kinds', () => {
    const d = parseRegisters(
      lines(`
(XEN) 'd' pressed -> dumping registers
(XEN) 
(XEN) *** Dumping CPU2 host state: ***
(XEN) ----[ Xen-4.4.1  x86_64  debug=n  Tainted:    C ]----
(XEN) CPU:    2
(XEN) RIP:    e008:[<ffff82d0801a4f2c>] default_idle+0x8c/0xa0
(XEN) RFLAGS: 0000000000000246   CONTEXT: hypervisor
(XEN) ler: ffff82d080229ea0 -> ffff82d080229ea3
(XEN) Xen stack trace from rsp=ffff83043ff0fec8:
(XEN)    ffff82d0801a52a5 ffff83043ff0ff18
(XEN) Xen call trace:
(XEN)    [<ffff82d0801a4f2c>] default_idle+0x8c/0xa0
(XEN)    [<ffff82d0801a52a5>] idle_loop+0x55/0x70
(XEN) 
(XEN) *** Dumping CPU2 guest state (d0:v2): ***
(XEN) RIP:    e033:[<ffffffff810013aa>]
(XEN) RFLAGS: 0000000000000246   EM: 0   CONTEXT: pv guest
`),
    );
    expect(d.unrecognised).toEqual([]);
    expect(d.cpus).toHaveLength(1);
    const cpu = d.cpus[0];
    expect(cpu).toMatchObject({ cpu: 2, rip: 'ffff82d0801a4f2c', context: 'hypervisor', vcpu: 'd0v2' });
    expect(cpu?.host?.banner).toMatchObject({ version: '4.4.1', taint: 'Tainted:    C' });
    expect(cpu?.callTrace.map((f) => [f.function, f.frame])).toEqual([
      ['default_idle', null],
      ['idle_loop', null],
    ]);
    expect(cpu?.guest).toMatchObject({ rip: 'ffffffff810013aa', context: 'pv guest', vcpu: null });
  });

  it('reads Arm64: PC with its symbol, MODE, X registers and (PC)/(LR) call-trace entries', () => {
    const d = parseRegisters(
      lines(`
(XEN) 'd' pressed -> dumping registers
(XEN) *** Dumping CPU0 host state: ***
(XEN) ----[ Xen-4.19.1  arm64  debug=n  Not tainted ]----
(XEN) CPU:    0
(XEN) PC:     00000a0000272a0c vgic.c#vgic_foo+0x1c/0x30
(XEN) LR:     00000a0000272b00
(XEN) SP:     00008003fffc7e30
(XEN) CPSR:   0000000080000249 MODE:64-bit EL2h (Hypervisor, handler)
(XEN)      X0: 0000000000000000  X1: 0000000000000001  X2: 0000000000000000
(XEN)   VTCR_EL2: 80023558
(XEN) Xen stack trace from sp=00008003fffc7e30:
(XEN)    0000000000000000 00000a0000312345
(XEN) Xen call trace:
(XEN)    [<00000a0000272a0c>] vgic.c#vgic_foo+0x1c/0x30 (PC)
(XEN)    [<00000a0000272b00>] bar+0x20/0x40 (LR)
(XEN)    [<00000a0000271111>] baz+0x10/0x80
`),
    );
    expect(d.unrecognised).toEqual([]);
    const cpu = d.cpus[0];
    expect(cpu).toMatchObject({
      rip: '00000a0000272a0c',
      symbol: 'vgic.c#vgic_foo+0x1c/0x30',
      context: null,
    });
    expect(cpu?.host?.mode).toBe('64-bit EL2h (Hypervisor, handler)');
    expect(cpu?.host?.registers).toMatchObject({
      LR: '00000a0000272b00',
      X1: '0000000000000001',
      VTCR_EL2: '80023558',
    });
    expect(cpu?.callTrace.map((f) => f.frame)).toEqual(['PC', 'LR', null]);
  });

  it('keeps lines it does not know, including unprefixed ones', () => {
    const d = parseRegisters([
      '(XEN) *** Dumping CPU0 host state: ***',
      '(XEN) something new',
      'dom0 says hi',
    ]);
    expect(d.unrecognised).toEqual(['(XEN) something new', 'dom0 says hi']);
  });
});

describe('exec-state blocks', () => {
  it('reads the page walk of a fatal page fault and [Fault on access]', () => {
    const { state, unrecognised } = parseExecState([
      'Pagetable walk from ffff830000000000:',
      ' L4[0x106] = 000000005fc7b063 ffffffffffffffff',
      ' L3[0x000] = 0000000000000000 ffffffffffffffff',
      'Xen call trace:',
      '   [<ffff82d040231234>] R foo+0x4/0x10',
      '   [Fault on access]',
    ]);
    expect(unrecognised).toEqual([]);
    expect(state.pagetableWalk).toHaveLength(3);
    expect(state.faultOnAccess).toBe(true);
  });
});

describe('0: dump Dom0 registers', () => {
  it('gives each vCPU its RIP and context, and marks offline vCPUs (4.16+)', () => {
    const z = parseDom0Registers(
      lines(`
(XEN) '0' pressed -> dumping Dom0's registers
(XEN) *** d0v0 is offline ***
(XEN) *** Dumping Dom0 vcpu#1 state: ***
(XEN) RIP:    e033:[<ffffffff819ec723>]
(XEN) RFLAGS: 0000000000000283   EM: 1   CONTEXT: pv guest (d0v1)
(XEN) rax: 0000000944660c58   rbx: 0000000000000fa0   rcx: 00000000009e73c8
(XEN) Guest stack trace from rsp=ffffc90040013c20:
(XEN)    ffffffff819f6e33 0000000000000008 ffffc90040013ca8 ffffc90040013c48
`),
    );
    expect(z.unrecognised).toEqual([]);
    expect(z.vcpus.map((v) => [v.vcpu, v.rip, v.context, v.offline])).toEqual([
      [0, null, null, true],
      [1, 'ffffffff819ec723', 'pv guest', false],
    ]);
    expect(z.vcpus[1]?.state?.stack?.words).toHaveLength(4);
  });

  it('reads a PVH/HVM vCPU (hvm guest context, 4.16+ sp= stack form)', () => {
    const z = parseDom0Registers(
      lines(`
(XEN) *** Dumping Dom0 vcpu#0 state: ***
(XEN) RIP:    0010:[<ffffffff81b3f6d6>]
(XEN) RFLAGS: 0000000000000246   CONTEXT: hvm guest (d0v0)
(XEN) Guest stack trace from sp=ffffffff82a03e58:
(XEN)    ffffffff81b3fa0a 0000000000000000
`),
    );
    expect(z.unrecognised).toEqual([]);
    expect(z.vcpus[0]).toMatchObject({ vcpu: 0, domain: 0, rip: 'ffffffff81b3f6d6', context: 'hvm guest' });
  });
});
