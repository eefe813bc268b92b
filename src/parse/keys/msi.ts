// `M` — dump MSI state (no header): one line per MSI/MSI-X/HPET/IOMMU interrupt. Source:
// xen/arch/x86/msi.c dump_msi (` %-6s%4u vec=%02x%7s%6s%3sassert%5s%7s dest=%08x mask=…`; vPCI lines).

import { type ParsedBase, keyValues } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface MsiParsed extends ParsedBase {
  entries: {
    type: string;
    irq: number;
    vector: string | null;
    dest: string | null;
    mask: string | null;
    text: string;
  }[];
}

export function parseMsi(lines: readonly string[], norms?: readonly NormLine[]): MsiParsed {
  const out: MsiParsed = { entries: [], unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind === 'xen' && /^MSI information:/.test(t)) continue;
    const m = n.kind === 'xen' ? /^\s*(MSI-X|MSI|HPET|IOMMU|\?\?\?)\s+(\d+) (.*)$/.exec(t) : null;
    if (!m) {
      out.unrecognised.push(line);
      continue;
    }
    const kv = keyValues(m[3] ?? '');
    out.entries.push({
      type: m[1] ?? '',
      irq: Number(m[2]),
      vector: kv['vec'] ?? null,
      dest: kv['dest'] ?? null,
      mask: kv['mask'] ?? null,
      text: t.trim(),
    });
  }
  return out;
}
