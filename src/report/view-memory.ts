// Memory views: `m` (free memory per heap), `u` (NUMA nodes and each domain's pages per node) and `H`
// (free pages per node and zone). Sizes are shown beside Xen's own numbers (pages, KiB) so the table
// can be checked against the verbatim text below it.

import type { ParsedByKey } from './model.js';
import { type Table, cell, cpuList, group, kibToSize, pages } from './view-model.js';

interface Part {
  summary: string | null;
  tables: Table[];
  notes: string[];
}

export function memoryView(m: ParsedByKey['m']): Part {
  const kib = (n: number | null): string | null => (n === null ? null : `${group(n)} kB (${kibToSize(n)})`);
  const rows = [
    [cell('Dom heap'), cell(kib(m.domHeapFreeKiB))],
    [cell('Xen heap'), cell(kib(m.xenHeapFreeKiB))],
    [cell('DMA heap'), cell(kib(m.dmaHeapFreeKiB))],
    ...Object.entries(m.heapFreeKiB)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([zone, n]) => [cell(`heap[${zone}]`, { code: true }), cell(kib(n))]),
  ].filter((r) => r[1]?.text !== '—');
  return {
    summary: m.domHeapFreeKiB === null ? null : `Dom heap free: ${kibToSize(m.domHeapFreeKiB)}`,
    tables: [
      { caption: 'Free memory', columns: [{ label: 'heap' }, { label: 'free', numeric: true }], rows },
    ],
    notes: [],
  };
}

export function numaView(u: ParsedByKey['u']): Part {
  const cpusOf = (node: number): number[] =>
    Object.entries(u.cpuNodes)
      .filter(([, n]) => n === node)
      .map(([c]) => Number(c))
      .sort((a, b) => a - b);
  const nodes: Table = {
    caption: 'NUMA nodes',
    columns: [
      { label: 'node', numeric: true },
      { label: 'size', numeric: true },
      { label: 'free', numeric: true },
      { label: 'used', numeric: true },
      { label: 'CPUs' },
    ],
    rows: u.nodes.map((n) => [
      cell(n.id),
      cell(pages(n.sizePages)),
      cell(pages(n.freePages)),
      cell(usedShare(n.sizePages, n.freePages)),
      cell(cpuList(cpusOf(n.id))),
    ]),
  };
  const nodeIds = numaNodeIds(u);
  const domains: Table = {
    caption: 'Domain memory per node (pages)',
    columns: [
      { label: 'domain' },
      { label: 'total', numeric: true },
      ...nodeIds.map((n) => ({ label: `node ${n}`, numeric: true })),
    ],
    rows: u.domains.map((d) => [
      cell(`d${d.id}`, { code: true }),
      cell(pages(d.totalPages)),
      ...nodeIds.map((n) =>
        cell(d.pagesByNode[String(n)] === undefined ? null : group(d.pagesByNode[String(n)] ?? 0)),
      ),
    ]),
  };
  const free = u.nodes.reduce((s, n) => s + (n.freePages ?? 0), 0);
  return {
    summary: `${u.nodes.length} node${u.nodes.length === 1 ? '' : 's'}, ${pages(free) ?? '0'} free; ${u.domains.length} domain${u.domains.length === 1 ? '' : 's'} placed`,
    tables: [nodes, domains],
    notes: u.mismatches.map((m) => `NUMA mismatch: ${m}`),
  };
}

/** Every node a node line or a domain's pages mention, in order. */
export function numaNodeIds(u: ParsedByKey['u']): number[] {
  const ids = new Set<number>(u.nodes.map((n) => n.id));
  for (const d of u.domains) for (const k of Object.keys(d.pagesByNode)) ids.add(Number(k));
  return [...ids].sort((a, b) => a - b);
}

function usedShare(size: number | null, free: number | null): string | null {
  if (size === null || free === null || size <= 0) return null;
  return `${Math.round(((size - free) / size) * 100)}%`;
}

export function heapView(h: ParsedByKey['H']): Part {
  const byNode = new Map<number, number>();
  for (const z of h.zones) byNode.set(z.node, (byNode.get(z.node) ?? 0) + z.pages);
  const parts = [...byNode].map(([node, n]) => `node ${node} ${pages(n)}`);
  const unscrubbed = h.unscrubbed
    .filter((u) => u.pages > 0)
    .map((u) => `node ${u.node} ${group(u.pages)} unscrubbed`);
  return {
    summary: `Free pages: ${parts.join(', ') || 'none listed'}${unscrubbed.length ? `; ${unscrubbed.join(', ')}` : ''}`,
    tables: [],
    notes: [],
  };
}
