// `I` — dump HVM irq info: per HVM domain its PCI/ISA lines and callback via. Source:
// xen/arch/x86/hvm/irq.c dump_irq_info (prints nothing but the header when no HVM domain exists).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface HvmIrqParsed extends ParsedBase {
  domains: { id: number; lines: string[] }[];
}

export function parseHvmIrq(lines: readonly string[], norms?: readonly NormLine[]): HvmIrqParsed {
  const out: HvmIrqParsed = { domains: [], unrecognised: [] };
  let dom: HvmIrqParsed['domains'][number] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind === 'xen' && /^'I' pressed -> /.test(t)) continue;
    const d = n.kind === 'xen' ? /^Domain (\d+):/.exec(t) : null;
    if (d) out.domains.push((dom = { id: Number(d[1]), lines: [] }));
    else if (dom && n.kind === 'xen' && /^(PCI|GSI|Link|Callback via|\s)/.test(t)) dom.lines.push(t.trim());
    else out.unrecognised.push(line);
  }
  return out;
}
