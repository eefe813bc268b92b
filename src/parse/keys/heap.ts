// `H` — dump heap info: pages per node and zone. Source: xen/common/page_alloc.c dump_heap (header
// `(now-0x%X:%08X)` 4.4–4.11, `(now = %ld)` 4.12+; unscrubbed counts 4.10+).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface HeapParsed extends ParsedBase {
  zones: { node: number; zone: number; pages: number }[];
  unscrubbed: { node: number; pages: number }[];
  /** Sum of all zones' pages. */
  totalPages: number;
}

export function parseHeap(lines: readonly string[], norms?: readonly NormLine[]): HeapParsed {
  const out: HeapParsed = { zones: [], unscrubbed: [], totalPages: 0, unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    if (/^'H' pressed -> /.test(t)) continue;
    const z = /^heap\[node=(\d+)\]\[zone=(\d+)\] -> (\d+) pages/.exec(t);
    if (z) {
      const pages = Number(z[3]);
      out.zones.push({ node: Number(z[1]), zone: Number(z[2]), pages });
      out.totalPages += pages;
      continue;
    }
    const u = /^Node (\d+) has (\d+) unscrubbed pages/.exec(t);
    if (u) out.unscrubbed.push({ node: Number(u[1]), pages: Number(u[2]) });
    else out.unrecognised.push(line);
  }
  return out;
}
