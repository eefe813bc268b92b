// `n` — NMI statistics (no header): NMI count per CPU and dom0's vCPU0 NMI state. Source:
// xen/arch/x86/nmi.c do_nmi_stats (`CPU\tNMI`, `%3d\t%3d`; `dom0 vpu0: NMI %s%s` ≤4.13 [sic],
// `%pv: NMI[ pending][ masked]` / `… neither pending nor masked` 4.14+).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface NmiParsed extends ParsedBase {
  cpus: { cpu: number; nmis: number }[];
  vcpu: { vcpu: string; pending: boolean; masked: boolean } | null;
}

export function parseNmi(lines: readonly string[], norms?: readonly NormLine[]): NmiParsed {
  const out: NmiParsed = { cpus: [], vcpu: null, unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    if (/^CPU\s+NMI\s*$/.test(t)) continue;
    const c = /^\s*(\d+)\s+(\d+)\s*$/.exec(t);
    if (c) {
      out.cpus.push({ cpu: Number(c[1]), nmis: Number(c[2]) });
      continue;
    }
    const v = /^(d\d+v\d+|dom0 vc?pu0): NMI(.*)$/.exec(t);
    if (v) {
      const rest = v[2] ?? '';
      const neither = /neither/.test(rest);
      out.vcpu = {
        vcpu: (v[1] ?? '').startsWith('dom0') ? 'd0v0' : (v[1] ?? ''),
        pending: !neither && /pending/.test(rest),
        masked: !neither && /masked/.test(rest),
      };
      continue;
    }
    out.unrecognised.push(line);
  }
  return out;
}
