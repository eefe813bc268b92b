// Reading binutils' answers (pure): addr2line's batched output into a symbol map, readelf's build id,
// and the findings' frames filled in from the map. The lab test (test/lab/symbols.lab.test.ts) runs the
// real programs on the lab Xen's real xen-syms.

import { describe, expect, it } from 'vitest';
import { addressesOf, sourceText, withSymbols } from '../../src/report/findings/frames.js';
import { finding } from '../../src/report/findings/model.js';
import { findingLines, findingsMarkdown } from '../../src/report/findings/render.js';
import { lookupAddress, parseAddr2line, parseBuildId, symbolMap } from '../../src/report/findings/symbols.js';

describe('addr2line output', () => {
  it("reads GNU addr2line 2.40's answer for the lab's xen-syms (symbols only: no line table)", () => {
    // `addr2line -a -f -i -e xen-syms-4.17-amd64` (Debian's -dbg package), three addresses on stdin.
    const out = [
      '0xffff82d0402f9c06',
      'default_idle',
      'arch/x86/domain.c:?',
      '0xffff82d0402fc5a4',
      'context_switch',
      '??:?',
      '0x0000000000001234',
      '??',
      '??:0',
      '',
    ].join('\n');
    const map = parseAddr2line(out, ['ffff82d0402f9c06', 'ffff82d0402fc5a4', '1234']);
    expect(map.get('ffff82d0402f9c06')).toEqual([
      { function: 'default_idle', file: 'arch/x86/domain.c', line: null },
    ]);
    expect(map.get('ffff82d0402fc5a4')).toEqual([{ function: 'context_switch', file: null, line: null }]);
    expect(map.has('1234')).toBe(false);
  });

  it('keeps inlined frames innermost first, with line numbers and discriminators dropped', () => {
    const out = [
      '0xffff82d040238e10',
      'spin_debug_check',
      '/build/xen/common/spinlock.c:132 (discriminator 3)',
      'check_lock',
      '/build/xen/common/spinlock.c:150',
      '',
    ].join('\n');
    const map = symbolMap(
      parseAddr2line(out, ['0xFFFF82D040238E10']),
      ['ffff82d040238e10'],
      new Set(['ffff82d040238e10']),
    );
    const locations = map.get('ffff82d040238e10') ?? [];
    expect(sourceText(locations)).toBe(
      'spin_debug_check (/build/xen/common/spinlock.c:132) ← check_lock (/build/xen/common/spinlock.c:150)',
    );
  });

  // The lab's Xen 4.17.5 built from Debian's source with -g (test/lab/provision.sh --debug-xen): three
  // addresses of a real panic and a lock, answered by llvm-symbolizer 14 --output-style=GNU -a -f -i
  // (addr2line 2.40 printed the same text). A line table: every frame has its file:line.
  const debugInfoAnswer = [
    '0xffff82d040314416',
    'spec_ctrl_exit_idle',
    'xen/./arch/x86/include/asm/spec_ctrl.h:199',
    'default_idle',
    'xen/arch/x86/domain.c:90',
    '0xffff82d040314e90',
    'idle_loop',
    'xen/arch/x86/domain.c:136',
    '0xffff82d040230a50',
    'get_cpu_info_from_stack',
    'xen/./arch/x86/include/asm/current.h:82',
    'get_cpu_info',
    'xen/./arch/x86/include/asm/current.h:95',
    '_spin_lock_cb',
    'xen/common/spinlock.c:168',
    '_spin_lock',
    'xen/common/spinlock.c:185',
    '',
  ].join('\n');
  const debugInfoAddresses = ['ffff82d040314416', 'ffff82d040314e90', 'ffff82d040230a50'];

  it("reads a symboliser's answer from a xen-syms with a line table: file:line, inlined callers after ←", () => {
    const map = symbolMap(
      parseAddr2line(debugInfoAnswer, debugInfoAddresses),
      debugInfoAddresses,
      new Set(debugInfoAddresses),
    );
    expect([...map.values()].map(sourceText)).toEqual([
      'spec_ctrl_exit_idle (xen/./arch/x86/include/asm/spec_ctrl.h:199) ← default_idle (xen/arch/x86/domain.c:90)',
      'idle_loop (xen/arch/x86/domain.c:136)',
      'get_cpu_info_from_stack (xen/./arch/x86/include/asm/current.h:82) ← get_cpu_info ' +
        '(xen/./arch/x86/include/asm/current.h:95) ← _spin_lock_cb (xen/common/spinlock.c:168) ← _spin_lock ' +
        '(xen/common/spinlock.c:185)',
    ]);
  });

  // The same Xen, a CPU idling in a `d` dump: `[<ffff82d040317577>] S continue_running+0x57/0x60`. The
  // byte after its tail call is the ud2 of a BUG(), in no line: llvm-symbolizer 14 answers `??` and
  // addr2line 2.40 `continue_running ??:?` for it, and both the call's line one byte back.
  it('looks a return address up one byte back (the call), a RIP as printed', () => {
    const answer = ['0xffff82d040317576', 'continue_running', 'xen/arch/x86/domain.c:2121', ''].join('\n');
    const printed = 'ffff82d040317577';
    expect(lookupAddress(printed, false)).toBe('ffff82d040317576');
    expect(lookupAddress(`0x${printed.toUpperCase()}`, true)).toBe(printed);
    const map = symbolMap(parseAddr2line(answer, [lookupAddress(printed, false)]), [printed], new Set());
    expect(sourceText(map.get(printed) ?? [])).toBe('continue_running (xen/arch/x86/domain.c:2121)');
    expect(symbolMap(parseAddr2line(answer, ['ffff82d040317576']), [printed], new Set([printed])).size).toBe(
      0,
    );
  });

  it('skips the answer for an address given early but no longer asked about', () => {
    const answer = [
      '0xffff82d040317576',
      'continue_running',
      'xen/arch/x86/domain.c:2121',
      '0xffff82d040314e8f',
      'play_dead',
      'xen/arch/x86/domain.c:120',
      '0xffff82d040314e90',
      'idle_loop',
      'xen/arch/x86/domain.c:136',
      '',
    ].join('\n');
    const asked = ['ffff82d040317576', 'ffff82d040314e90'];
    const map = symbolMap(parseAddr2line(answer, asked), asked, new Set(asked));
    expect([...map.values()].map(sourceText)).toEqual([
      'continue_running (xen/arch/x86/domain.c:2121)',
      'idle_loop (xen/arch/x86/domain.c:136)',
    ]);
  });

  it('puts those lines in the findings as text and Markdown show them', () => {
    const f = finding('xen-fatal-trap', 'critical', 'Xen crashed on CPU 0: FATAL TRAP: vec 2, NMI[0000]', {
      rip: { address: 'ffff82d040314416', symbol: 'arch/x86/domain.c#default_idle+0xc6/0xf0', source: null },
      trace: [
        { address: 'ffff82d040314416', symbol: 'arch/x86/domain.c#default_idle+0xc6/0xf0', source: null },
        { address: 'ffff82d040314e90', symbol: 'arch/x86/domain.c#idle_loop+0/0x130', source: null },
      ],
    });
    const map = symbolMap(
      parseAddr2line(debugInfoAnswer, debugInfoAddresses),
      debugInfoAddresses,
      new Set(debugInfoAddresses),
    );
    const [out] = withSymbols([f], map);
    const idle =
      '[<ffff82d040314e90>] arch/x86/domain.c#idle_loop+0/0x130  at idle_loop (xen/arch/x86/domain.c:136)';
    expect(findingLines(out!)).toContain(`      ${idle}`);
    expect(findingsMarkdown([out!])).toContain('at idle_loop (xen/arch/x86/domain.c:136)');
  });

  it('reads the GNU build id from readelf -n', () => {
    const notes = [
      'Displaying notes found in: .note.gnu.build-id',
      '  Owner                Data size 	Description',
      '  GNU                  0x00000014	NT_GNU_BUILD_ID (unique build ID bitstring)',
      '    Build ID: 151b373fd64b321593bf987fd923cd10dabadac4',
    ].join('\n');
    expect(parseBuildId(notes)).toBe('151b373fd64b321593bf987fd923cd10dabadac4');
    expect(parseBuildId('Displaying notes found in: .note.ABI-tag')).toBeNull();
  });
});

describe('frames filled from a symbol map', () => {
  it('collects every Xen address once, RIP first, and fills in the sources of those resolved', () => {
    const f = finding('same-rip', 'error', 'CPU 1 did not move', {
      rip: { address: 'ffff82d0402f9c06', symbol: 'arch/x86/domain.c#default_idle+0xc6/0xf0', source: null },
      trace: [
        { address: 'ffff82d0402f9c06', symbol: 'arch/x86/domain.c#default_idle+0xc6/0xf0', source: null },
        { address: 'ffff82d0402fc5a4', symbol: 'context_switch+0x1f4/0x910', source: null },
        // A guest address (no %pS): not Xen's, never looked up.
        { address: 'ffffffff810013aa', symbol: null, source: null },
      ],
    });
    expect(addressesOf([f])).toEqual(['ffff82d0402f9c06', 'ffff82d0402fc5a4']);
    const map = new Map([
      ['ffff82d0402f9c06', [{ function: 'default_idle', file: 'arch/x86/domain.c', line: null }]],
    ]);
    const [out] = withSymbols([f], map);
    expect(out?.rip?.source).toBe('default_idle (arch/x86/domain.c)');
    expect(out?.trace.map((t) => t.source)).toEqual(['default_idle (arch/x86/domain.c)', null, null]);
    // The input is left alone.
    expect(f.rip?.source).toBeNull();
  });
});
