// `z` — dump IOAPIC info (no header): IRQ sources, per-IOAPIC registers and redirection table, IRQ→pin
// map. Source: xen/arch/x86/io_apic.c __print_IO_APIC (table header ≤4.12 ` NR Log Phy Mask Trig IRR Pol
// Stat Dest Deli Vect:`, 4.13+ ` NR Dst Msk Trg IRR Pol Stat DstM DelM Vec`).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface IoApicParsed extends ParsedBase {
  mpIrqSources: number | null;
  ioApics: { id: number; registers: Record<string, string>; redirection: Record<string, string>[] }[];
  /** IRQ → `apic:pin` entries. */
  irqToPin: Record<string, string[]>;
  complete: boolean;
}

export function parseIoApic(lines: readonly string[], norms?: readonly NormLine[]): IoApicParsed {
  const out: IoApicParsed = {
    mpIrqSources: null,
    ioApics: [],
    irqToPin: {},
    complete: false,
    unrecognised: [],
  };
  let apic: IoApicParsed['ioApics'][number] | null = null;
  let columns: string[] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^number of MP IRQ sources: (\d+)\./.exec(t))) out.mpIrqSources = Number(m[1]);
    else if ((m = /^IO APIC #(\d+)\.+/.exec(t))) {
      out.ioApics.push((apic = { id: Number(m[1]), registers: {}, redirection: [] }));
      columns = null;
    } else if ((m = /^\.\.\.\. register #(\d+): ([0-9A-Fa-f]+)/.exec(t)) && apic)
      apic.registers[m[1] ?? ''] = (m[2] ?? '').toLowerCase();
    else if (/^ NR\s+/.test(t)) columns = t.trim().replace(/:$/, '').split(/\s+/);
    else if (/^ [0-9a-f]{2} /i.test(t) && apic && columns) {
      const cells = t.trim().split(/\s+/);
      const row: Record<string, string> = {};
      columns.forEach((c, i) => (row[c] = cells[i] ?? ''));
      apic.redirection.push(row);
    } else if ((m = /^IRQ(\d+) -> (.*)$/.exec(t)))
      out.irqToPin[m[1] ?? ''] = (m[2] ?? '')
        .split('->')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    else if (/^\.+ ?done\.$/.test(t)) out.complete = true;
    else if (
      !/^(number of IO-APIC|testing the IO APIC|\.{4,}|Using vector-based indexing|IRQ to pin mappings:)/.test(
        t,
      )
    )
      out.unrecognised.push(line);
  }
  return out;
}
