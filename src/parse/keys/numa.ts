// `u` — dump NUMA info: nodes with size/free pages, CPU→node map, each domain's pages per node. Source:
// xen/arch/x86/numa.c dump_numa (≤4.17; `idx%d -> NODE%d …` 4.4–4.7) and xen/common/numa.c (4.18+,
// domains as `%pd (total: %u):`).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface NumaParsed extends ParsedBase {
  nodes: { id: number; startPfn: number | null; sizePages: number | null; freePages: number | null }[];
  domains: { id: number; totalPages: number | null; pagesByNode: Record<string, number> }[];
  /** CPU number → node. */
  cpuNodes: Record<string, number>;
  /** `phys_to_nid(…) -> a should be b` sanity failures, verbatim. */
  mismatches: string[];
}

const NODE = /^(?:idx\d+ -> )?NODE(\d+) start->(\d+) size->(\d+) free->(\d+)/;
const CPUS = /^CPU(\d+)(?:\.\.\.(\d+))? -> NODE(-?\d+)/;
const DOMAIN = /^(?:Domain (\d+)|d(\d+)) \(total: (\d+)\):/;
const DOM_NODE = /^\s+Node (\d+): (\d+)/;

export function parseNuma(lines: readonly string[], norms?: readonly NormLine[]): NumaParsed {
  const out: NumaParsed = { nodes: [], domains: [], cpuNodes: {}, mismatches: [], unrecognised: [] };
  let dom: NumaParsed['domains'][number] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    if (/^'u' pressed -> /.test(t) || /^Memory location of each domain:/.test(t)) continue;
    let m = NODE.exec(t);
    if (m) {
      const [, id, start, size, free] = m.map(Number);
      out.nodes.push({
        id: id ?? 0,
        startPfn: start ?? null,
        sizePages: size ?? null,
        freePages: free ?? null,
      });
      continue;
    }
    if ((m = CPUS.exec(t))) {
      const from = Number(m[1]);
      const to = m[2] === undefined ? from : Number(m[2]);
      for (let c = from; c <= to && c - from <= 65_536; c++) out.cpuNodes[String(c)] = Number(m[3]);
      continue;
    }
    if ((m = DOMAIN.exec(t))) {
      dom = { id: Number(m[1] ?? m[2]), totalPages: Number(m[3]), pagesByNode: {} };
      out.domains.push(dom);
      continue;
    }
    if (dom && (m = DOM_NODE.exec(t))) {
      dom.pagesByNode[String(Number(m[1]))] = Number(m[2]);
      continue;
    }
    if (/^(phys_to_nid|mfn_to_nid)\(/.test(t)) {
      out.mismatches.push(t);
      continue;
    }
    // vNUMA layout lines of a domain (4.6+): kept, as they are only read by people.
    if (dom && /^\s+(\d+ vnodes|\s*\d+: pnode|[0-9a-f]{16} - [0-9a-f]{16})/.test(t)) continue;
    out.unrecognised.push(line);
  }
  return out;
}
