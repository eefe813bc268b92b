// `i` — dump interrupt bindings (no header): IRQs, direct vectors, IO-APIC pins. Source:
// xen/arch/x86/irq.c dump_irqs (`IRQ:%4d affinity:… vec:… type=…` ≤4.12, `IRQ:%4d vec:%02x %-15s
// status=%03x aff:{…}/{…}` 4.13+) and arch/x86/io_apic.c print_IO_APIC_keyhandler via dump_irqs.

import { type ParsedBase, parseCpuList } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface IrqLine {
  irq: number;
  vector: string | null;
  type: string | null;
  status: string | null;
  affinity: number[] | null;
  /** Guest bindings `d0:  9(---)` → [{ domain: 0, pirq: 9, flags: '---' }]. */
  guests: { domain: number; pirq: number; flags: string }[];
  /** The Xen handler (`timer_interrupt()`), or null. */
  handler: string | null;
  mappedUnbound: boolean;
  text: string;
}

export interface IrqsParsed extends ParsedBase {
  irqs: IrqLine[];
  directVectors: { vector: string; handler: string }[];
  ioApicPins: { irq: number; vector: string | null; apic: string; pin: number; text: string }[];
}

const IRQ_NEW =
  /^\s+IRQ:\s*(\d+) vec:([0-9a-f]+) (\S+)\s+status=([0-9a-f]+) aff:\{([^}]*)\}\/\{[^}]*\}\s*(.*)$/;
const IRQ_OLD = /^\s+IRQ:\s*(\d+) affinity:(\S+) vec:([0-9a-f]+) type=(\S+)\s+status=([0-9a-f]+)\s*(.*)$/;

export function parseIrqs(lines: readonly string[], norms?: readonly NormLine[]): IrqsParsed {
  const out: IrqsParsed = { irqs: [], directVectors: [], ioApicPins: [], unrecognised: [] };
  let pinIrq: { irq: number; vector: string | null } | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    if (/^(IRQ information|Direct vector information|IO-APIC interrupt information):/.test(t)) continue;
    let m = IRQ_NEW.exec(t);
    if (m) {
      out.irqs.push(irqLine(Number(m[1]), m[2], m[3], m[4], parseCpuList(m[5] ?? ''), m[6] ?? '', t));
      continue;
    }
    if ((m = IRQ_OLD.exec(t))) {
      out.irqs.push(irqLine(Number(m[1]), m[3], m[4], m[5], parseCpuList(m[2] ?? ''), m[6] ?? '', t));
      continue;
    }
    if ((m = /^\s+(0x[0-9a-f]+) -> (.*)$/.exec(t))) {
      out.directVectors.push({ vector: (m[1] ?? '').slice(2), handler: (m[2] ?? '').trim() });
      continue;
    }
    if ((m = /^\s+IRQ\s*(\d+) Vec\s*(\d+):/.exec(t))) {
      pinIrq = { irq: Number(m[1]), vector: Number(m[2]).toString(16) };
      continue;
    }
    if ((m = /^\s+Apic (0x[0-9a-f]+), Pin\s*(\d+):/.exec(t)) && pinIrq) {
      out.ioApicPins.push({ ...pinIrq, apic: (m[1] ?? '').slice(2), pin: Number(m[2]), text: t.trim() });
      continue;
    }
    out.unrecognised.push(line);
  }
  return out;
}

function irqLine(
  irq: number,
  vector: string | undefined,
  type: string | undefined,
  status: string | undefined,
  affinity: number[] | null,
  rest: string,
  text: string,
): IrqLine {
  const guests = [...rest.matchAll(/d?(\d+):\s*(\d+)\(([^)]*)\)/g)].map((g) => ({
    domain: Number(g[1]),
    pirq: Number(g[2]),
    flags: g[3] ?? '',
  }));
  const mappedUnbound = /mapped, unbound/.test(rest);
  const handler = guests.length === 0 && !mappedUnbound && /\(\)\s*$/.test(rest) ? rest.trim() : null;
  return {
    irq,
    vector: vector ?? null,
    type: type ?? null,
    status: status ?? null,
    affinity,
    guests,
    handler,
    mappedUnbound,
    text: text.trim(),
  };
}
