// `m` — memory info (no header): free memory per heap. Source: xen/common/page_alloc.c pagealloc_info,
// the same in all versions; LLC colouring lines 4.20+.

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface MemoryParsed extends ParsedBase {
  domHeapFreeKiB: number | null;
  /** Per zone (`heap[15]` → "15"), in KiB. */
  heapFreeKiB: Record<string, number>;
  xenHeapFreeKiB: number | null;
  dmaHeapFreeKiB: number | null;
}

export function parseMemory(lines: readonly string[], norms?: readonly NormLine[]): MemoryParsed {
  const out: MemoryParsed = {
    domHeapFreeKiB: null,
    heapFreeKiB: {},
    xenHeapFreeKiB: null,
    dmaHeapFreeKiB: null,
    unrecognised: [],
  };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    if (/^Physical memory information:/.test(t)) continue;
    const m = /^\s*(Xen heap|DMA heap|Dom heap|heap\[(\d+)\]): (\d+)kB free/.exec(t);
    if (!m) {
      if (!/^(LLC coloring info:|\s+Number of LLC colors|\s+Xen LLC colors)/.test(t))
        out.unrecognised.push(line);
      continue;
    }
    const kib = Number(m[3]);
    if (m[2] !== undefined) out.heapFreeKiB[String(Number(m[2]))] = kib;
    else if (m[1] === 'Xen heap') out.xenHeapFreeKiB = kib;
    else if (m[1] === 'DMA heap') out.dmaHeapFreeKiB = kib;
    else out.domHeapFreeKiB = kib;
  }
  return out;
}
