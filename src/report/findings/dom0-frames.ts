// dom0's guest frames named with its kernel's map (--dom0-map): the RIP and the kernel-text words of
// each dom0 vCPU's stack, from the last `0` dump (else dom0's guest states in the last `d`). A stack
// word is a candidate return address, not an unwound frame — Linux marks such frames `?` — and the
// finding says so. Pure: the digest and a map in, findings and a frame table out.

import type { FindingsDigest } from './digest.js';
import { partKey } from './digest.js';
import { isKernelAddress, kernelSymbol, type KernelMap } from './kernel-map.js';
import { type Dom0Symbols, type Finding, type Frame, finding } from './model.js';

export type { Dom0Symbols } from './model.js';

interface Dom0Vcpu {
  vcpu: string;
  rip: string | null;
  words: string[];
  evidence: { capture: number; key: string; line: number | null };
}

function dom0Vcpus(g: FindingsDigest): Dom0Vcpu[] {
  if (g.zero)
    return g.zero.vcpus.map((v) => ({
      vcpu: v.vcpu,
      rip: v.rip,
      words: v.words,
      evidence: {
        capture: g.zero!.capture,
        key: partKey(g.zero!, '0'),
        line: g.zero!.partOf ? null : v.line,
      },
    }));
  const d = g.d.last;
  if (!d) return [];
  return d.cpus
    .filter((c) => /^d0v\d+$/.test(c.vcpu ?? '') && c.guestRip !== null)
    .map((c) => ({
      vcpu: c.vcpu as string,
      rip: c.guestRip,
      words: c.guestWords,
      evidence: { capture: d.capture, key: partKey(d, 'd'), line: d.partOf ? null : c.line },
    }));
}

/** Every dom0 address worth naming, for the table and the count. */
function addressesOf(vcpus: readonly Dom0Vcpu[], findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const v of vcpus) for (const a of [v.rip ?? '', ...v.words]) if (isKernelAddress(a)) out.add(a);
  for (const f of findings)
    if (f.vcpu?.startsWith('d0v') && f.rip && isKernelAddress(f.rip.address)) out.add(f.rip.address);
  return [...out];
}

export function withDom0Frames(
  findings: readonly Finding[],
  g: FindingsDigest,
  map: KernelMap,
  source: Pick<Dom0Symbols, 'file' | 'kind'>,
): { findings: Finding[]; symbols: Dom0Symbols } {
  const vcpus = dom0Vcpus(g);
  const frames: Record<string, string> = {};
  const addresses = addressesOf(vcpus, findings);
  for (const a of addresses) {
    const name = kernelSymbol(map, a);
    if (name !== null) frames[a] = name;
  }
  const named = (address: string): Frame => ({ address, symbol: null, source: frames[address] ?? null });
  const out = findings.map((f) =>
    f.vcpu?.startsWith('d0v') && f.rip && frames[f.rip.address] && f.rip.source === null
      ? { ...f, rip: named(f.rip.address) }
      : f,
  );
  // Facts, so after the trouble and before the advice.
  const at = out.findIndex((f) => f.severity === 'advice');
  const added: Finding[] = [];
  for (const v of vcpus) {
    if (v.rip === null || !frames[v.rip]) continue;
    const stack = v.words.filter((w) => frames[w]).map(named);
    const fn = (frames[v.rip] as string).replace(/\+.*$/, '');
    added.push(
      finding('dom0-stack', 'info', `dom0 ${v.vcpu} was in \`${fn}\` (named by ${source.file})`, {
        vcpu: v.vcpu,
        rip: named(v.rip),
        trace: [named(v.rip), ...stack],
        detail: stack.length
          ? [
              'After the RIP: the stack words that are kernel text, innermost first; some may be stale (Linux prints such frames with `?`).',
            ]
          : [],
        evidence: [{ ...v.evidence, text: `${v.vcpu} RIP ${v.rip}` }],
      }),
    );
  }
  out.splice(at < 0 ? out.length : at, 0, ...added);
  return {
    findings: out,
    symbols: { ...source, addresses: addresses.length, resolved: Object.keys(frames).length, frames },
  };
}
