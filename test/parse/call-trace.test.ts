import { describe, expect, it } from 'vitest';
import { isCallTraceHeader, isFaultOnAccess, parseCallTraceLine } from '../../src/parse/call-trace.js';

describe('parseCallTraceLine', () => {
  it('reads the 4.13+ form with its R/S/F frame kind and splits the symbol', () => {
    expect(parseCallTraceLine('   [<ffff82d0402f9c06>] R arch/x86/domain.c#default_idle+0xc6/0xf0')).toEqual({
      address: 'ffff82d0402f9c06',
      symbol: 'arch/x86/domain.c#default_idle+0xc6/0xf0',
      frame: 'R',
      function: 'default_idle',
      file: 'arch/x86/domain.c',
      offset: 0xc6,
      size: 0xf0,
    });
    expect(parseCallTraceLine('   [<ffff82d0402fa680>] S arch/x86/domain.c#idle_loop+0/0x130')).toMatchObject(
      {
        frame: 'S',
        function: 'idle_loop',
        offset: 0,
      },
    );
  });

  it('reads the 4.4–4.12 form without a frame kind', () => {
    expect(parseCallTraceLine('   [<ffff82d08012a1b5>] default_idle+0x8e/0xa0')).toMatchObject({
      address: 'ffff82d08012a1b5',
      symbol: 'default_idle+0x8e/0xa0',
      frame: null,
      function: 'default_idle',
      file: null,
    });
  });

  it('reads Arm (PC) / (LR) entries and livepatch payload suffixes', () => {
    expect(parseCallTraceLine('   [<00000a0000272a0c>] vgic.c#vgic_foo+0x1c/0x30 (PC)')).toMatchObject({
      address: '00000a0000272a0c',
      symbol: 'vgic.c#vgic_foo+0x1c/0x30',
      frame: 'PC',
    });
    expect(parseCallTraceLine('   [<00000a0000272b00>] bar+0x20/0x40 (LR)')?.frame).toBe('LR');
    expect(parseCallTraceLine('   [<ffff82d0c0001000>] F xsa_fix+0x10/0x20 [livepatch_1]')).toMatchObject({
      symbol: 'xsa_fix+0x10/0x20 [livepatch_1]',
      function: 'xsa_fix',
    });
  });

  it('lower-cases addresses and refuses other lines', () => {
    expect(parseCallTraceLine('   [<FFFF82D0402F9C06>] x+0x1/0x2')?.address).toBe('ffff82d0402f9c06');
    expect(parseCallTraceLine('Xen call trace:')).toBeNull();
    expect(parseCallTraceLine('    0000000000000000 ffff82d0402fa741')).toBeNull();
    expect(isCallTraceHeader('Xen call trace:')).toBe(true);
    expect(isFaultOnAccess('   [Fault on access]')).toBe(true);
  });
});
