// `c` — dump ACPI Cx structures: per CPU, its C-states with usage and residency. Source:
// xen/arch/x86/acpi/cpu_idle.c dump_cx / print_acpi_power (`max state:` lines 4.13+; ≤4.12 printed
// `active state:` / `max_cstate:` / `states:` and `C%d:` rows in a different layout).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface CxState {
  state: string;
  current: boolean;
  /** type, latency, usage, method, duration — bracketed values as printed. */
  fields: Record<string, string>;
}

export interface CxParsed extends ParsedBase {
  maxState: string | null;
  maxSubState: string | null;
  cpus: { cpu: number; states: CxState[]; residencies: Record<string, string>; other: string[] }[];
}

export function parseCx(lines: readonly string[], norms?: readonly NormLine[]): CxParsed {
  const out: CxParsed = { maxState: null, maxSubState: null, cpus: [], unrecognised: [] };
  let cpu: CxParsed['cpus'][number] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    let m: RegExpExecArray | null;
    if (/^'c' pressed -> /.test(t)) continue;
    if ((m = /^max state: (.*)$/.exec(t))) out.maxState = m[1]?.trim() ?? null;
    else if ((m = /^max sub-state: (.*)$/.exec(t))) out.maxSubState = m[1]?.trim() ?? null;
    else if ((m = /^==cpu(\d+)==/.exec(t))) {
      out.cpus.push((cpu = { cpu: Number(m[1]), states: [], residencies: {}, other: [] }));
    } else if ((m = /^\s+(\*?)(C\d+):\s*(.*)$/.exec(t)) && cpu) {
      const fields: Record<string, string> = {};
      for (const f of (m[3] ?? '').matchAll(/(\w+)\[\s*([^\]]*?)\s*\]/g)) fields[f[1] ?? ''] = f[2] ?? '';
      cpu.states.push({ state: m[2] ?? '', current: m[1] === '*', fields });
    } else if (/^(PC|CC|MC)\d/.test(t) && cpu) {
      for (const f of t.matchAll(/(\w+(?:\/\d+)?)\[(\d+)\]/g)) cpu.residencies[f[1] ?? ''] = f[2] ?? '';
    } else if (cpu && /^(active state|max_cstate|states|CPU\d+ parked|\s)/.test(t)) {
      cpu.other.push(t.trim());
    } else out.unrecognised.push(line);
  }
  return out;
}
