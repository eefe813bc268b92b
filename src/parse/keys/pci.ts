// `Q` — dump PCI devices (no header): per segment, each device's owner, node and MSIs. Source:
// xen/drivers/passthrough/pci.c _dump_pci_devices — `dom %-3d` (≤4.12), `%pd` (4.13+), `node` (4.6+),
// `DomIO:%x` for quarantined devices (4.17+), MSI part optional (4.16+).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface PciParsed extends ParsedBase {
  devices: { sbdf: string; domain: string; node: number | null; msis: number[]; text: string }[];
}

const DEVICE =
  /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) - (?:dom\s*(-?\d+)|(d\d+|DomIO:[0-9a-f]+|d\[\w+\]))\s*(?:- node\s*(-?\d+)\s*)?(?:- MSIs < ([\d ]*)>)?/i;

export function parsePci(lines: readonly string[], norms?: readonly NormLine[]): PciParsed {
  const out: PciParsed = { devices: [], unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind === 'xen' && /^==== (PCI devices|segment [0-9a-f]+) ====/.test(t)) continue;
    const m = n.kind === 'xen' ? DEVICE.exec(t.trim()) : null;
    if (!m) {
      out.unrecognised.push(line);
      continue;
    }
    out.devices.push({
      sbdf: m[1] ?? '',
      domain: m[2] !== undefined ? `d${m[2]}` : (m[3] ?? ''),
      node: m[4] === undefined ? null : Number(m[4]),
      msis: (m[5] ?? '').trim() === '' ? [] : (m[5] ?? '').trim().split(/\s+/).map(Number),
      text: t.trim(),
    });
  }
  return out;
}
