// Memory per NUMA node from `u`: each node's capacity (used vs free), then each domain's pages as one bar
// stacked by node, on one scale, so a domain spread over nodes it should not use, or a full node, shows.

import type { ParsedByKey } from '../model.js';
import { numaNodeIds } from '../view-memory.js';
import { group, pagesToSize } from '../view-model.js';
import { rect, svgChart, text } from './svg.js';

const LABEL = 70;
const BAR = 560;
const ROW = 22;
const MAX_DOMAINS = 200;

export function numaChart(id: string, u: ParsedByKey['u']): string | null {
  const nodes = numaNodeIds(u);
  if (nodes.length === 0 || (u.domains.length === 0 && u.nodes.length === 0)) return null;
  const cls = (node: number): string => `n${node % 8}`;
  const body: string[] = [];
  let y = 4;
  const size = (p: number): string => `${group(p)} pages (${pagesToSize(p)})`;
  const scale = Math.max(
    1,
    ...u.nodes.map((n) => n.sizePages ?? 0),
    ...u.domains.map((d) => d.totalPages ?? sum(d)),
  );
  const w = (p: number): number => (p / scale) * BAR;
  if (u.nodes.length > 0) {
    body.push(text(0, y + 10, 'Nodes: used of size', { cls: 'muted' }));
    y += 16;
    for (const n of u.nodes) {
      const sizeP = n.sizePages ?? 0;
      const used = Math.max(0, sizeP - (n.freePages ?? 0));
      body.push(text(LABEL - 8, y + 13, `node ${n.id}`, { anchor: 'end' }));
      body.push(rect(LABEL, y, w(sizeP), ROW - 6, 'track', `node ${n.id}: ${size(sizeP)}`));
      body.push(
        rect(
          LABEL,
          y,
          w(used),
          ROW - 6,
          cls(n.id),
          `node ${n.id}: ${size(used)} used, ${size(n.freePages ?? 0)} free`,
        ),
      );
      body.push(
        text(LABEL + w(sizeP) + 8, y + 12, `${pagesToSize(used)} used of ${pagesToSize(sizeP)}`, {
          cls: 'muted',
        }),
      );
      y += ROW;
    }
    y += 8;
  }
  const domains = u.domains.slice(0, MAX_DOMAINS);
  if (domains.length > 0) {
    body.push(text(0, y + 10, 'Domains: pages by node', { cls: 'muted' }));
    y += 16;
  }
  for (const d of domains) {
    body.push(text(LABEL - 8, y + 13, `d${d.id}`, { anchor: 'end', cls: 'mono' }));
    let x = LABEL;
    for (const node of nodes) {
      const p = d.pagesByNode[String(node)] ?? 0;
      if (p <= 0) continue;
      body.push(rect(x, y, w(p), ROW - 6, cls(node), `d${d.id} on node ${node}: ${size(p)}`, 0));
      x += w(p);
    }
    const total = d.totalPages ?? sum(d);
    body.push(text(x + 8, y + 12, pagesToSize(total), { cls: 'muted' }));
    y += ROW;
  }
  if (u.domains.length > domains.length) {
    body.push(
      text(LABEL, y + 12, `… ${u.domains.length - domains.length} more domains in the table`, {
        cls: 'muted',
      }),
    );
    y += ROW;
  }
  return svgChart(
    {
      id,
      title: 'Memory per NUMA node (from u)',
      desc: `${u.nodes.length} nodes; ${u.domains.length} domains, each bar split by the node its pages are on.`,
      width: LABEL + BAR + 160,
      height: y + 4,
    },
    body,
    nodes.slice(0, 8).map((n) => ({ cls: cls(n), label: `node ${n}` })),
  );
}

function sum(d: { pagesByNode: Record<string, number> }): number {
  return Object.values(d.pagesByNode).reduce((s, n) => s + n, 0);
}
