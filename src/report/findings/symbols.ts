// Reading binutils' answers, pure: `addr2line -a -f -i` output into a symbol map, and the GNU build id
// out of `readelf -n`. The edge (cli/xen-syms.ts) runs the programs; this only reads their text.

import type { FrameKind } from '../../parse/call-trace.js';
import type { SymbolLocation, SymbolMap } from './model.js';

/**
 * `addr2line -a -f -i -e xen-syms` output for `addresses`, in order: each address echoed (`0x…`), then
 * one function/`file:line` pair per frame, innermost first (more than one when inlined). `??` is unknown.
 */
export function parseAddr2line(output: string, addresses: readonly string[]): Map<string, SymbolLocation[]> {
  const wanted = new Set(addresses.map(normalAddress));
  const out = new Map<string, SymbolLocation[]>();
  let current: SymbolLocation[] | null = null;
  let fn: string | null | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    const echoed = fn === undefined ? /^0x([0-9a-f]+)$/i.exec(line) : null;
    if (echoed) {
      // An address given early and no longer asked about (a frame found to be a RIP after all): its
      // answer is skipped, not read as more frames of the address before it.
      const address = normalAddress(echoed[1] ?? '');
      current = wanted.has(address) ? [] : null;
      if (current) out.set(address, current);
      continue;
    }
    if (!current || line === '') continue;
    if (fn === undefined) {
      fn = line === '??' ? null : line;
      continue;
    }
    const m = /^(.*?):(\d+|\?)(?: \(discriminator \d+\))?$/.exec(line);
    const file = m && m[1] !== '??' ? (m[1] ?? null) : null;
    const n = m && m[2] !== '?' ? Number(m[2]) : null;
    if (fn !== null || file !== null) current.push({ function: fn, file, line: n === 0 ? null : n });
    fn = undefined;
  }
  for (const [k, v] of out) if (v.length === 0) out.delete(k);
  return out;
}

/** `ffff82d0402f9c06` however it was written (`0x`, upper case, leading zeros). */
export function normalAddress(address: string): string {
  return address
    .toLowerCase()
    .replace(/^0x/, '')
    .replace(/^0+(?=[0-9a-f])/, '');
}

/**
 * A frame looked up as printed, not as a return address: where the CPU was (x86's `R`, Arm's `(PC)`),
 * or a function's first byte (`idle_loop+0/0x130`: a function pointer the stack scan found, which
 * nothing called from; one byte back is the function before it).
 */
export function isExactFrame(f: { frame?: FrameKind | null; symbol: string | null }): boolean {
  return f.frame === 'R' || f.frame === 'PC' || (f.symbol !== null && /\+(?:0x)?0\//.test(f.symbol));
}

/**
 * The address to give the symboliser: an exact one (a RIP, isExactFrame) as printed; a return address
 * (every other call-trace frame) one byte back, inside the call, as gdb does. The byte after a call often belongs to the next
 * line, or to no line at all when the callee does not return (`continue_running+0x57/0x60`: the
 * `ud2` of the BUG() after its tail call).
 */
export function lookupAddress(address: string, exact: boolean): string {
  const a = normalAddress(address);
  if (exact || !/^[0-9a-f]+$/.test(a) || a === '0') return a;
  return (BigInt(`0x${a}`) - 1n).toString(16);
}

/**
 * The map keyed the way findings name addresses (lower-case, no 0x, as printed), each answered by its
 * lookup address (`exact`: the addresses looked up as printed, normalAddress'd; see lookupAddress).
 */
export function symbolMap(
  resolved: Map<string, SymbolLocation[]>,
  addresses: readonly string[],
  exact: ReadonlySet<string>,
): SymbolMap {
  const out = new Map<string, SymbolLocation[]>();
  for (const a of addresses) {
    const r = resolved.get(lookupAddress(a, exact.has(normalAddress(a))));
    if (r) out.set(a, r);
  }
  return out;
}

/** The GNU build id `readelf -n` prints (`Build ID: 151b…`), lower-case; null if the file has none. */
export function parseBuildId(readelfNotes: string): string | null {
  return /Build ID:\s*([0-9a-f]+)/i.exec(readelfNotes)?.[1]?.toLowerCase() ?? null;
}
