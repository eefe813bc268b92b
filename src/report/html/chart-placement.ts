// vCPU → pCPU placement from `q`: a grid with a row per vCPU and a column per physical CPU. The cell where
// the vCPU is placed is filled (green when it is running there); cells its hard affinity allows are
// tinted, so pinning and a vCPU sitting outside it show at a glance.

import type { ParsedByKey } from '../model.js';
import { cpuList } from '../view-model.js';
import { rect, svgChart, text } from './svg.js';

const CELL = 18;
const GAP = 2;
const LABEL = 70;
const TOP = 30;
/** Beyond these the grid stops being readable; the tables above still hold every row. */
const MAX_ROWS = 256;
const MAX_COLS = 256;

export function placementChart(id: string, q: ParsedByKey['q'], cpuHint: number | null): string | null {
  const vcpus = q.domains.flatMap((d) => d.vcpus.map((v) => ({ name: `d${d.id}v${v.id}`, domain: d.id, v })));
  if (vcpus.length === 0) return null;
  const seen = Math.max(-1, ...vcpus.map(({ v }) => v.cpu ?? -1));
  const ncpu = Math.min(MAX_COLS, Math.max(cpuHint ?? 0, seen + 1));
  if (ncpu === 0) return null;
  const rows = vcpus.slice(0, MAX_ROWS);
  const pitch = CELL + GAP;
  const body: string[] = [];
  const every = ncpu > 64 ? 8 : ncpu > 32 ? 4 : 1;
  for (let c = 0; c < ncpu; c++) {
    if (c % every === 0)
      body.push(text(LABEL + c * pitch + CELL / 2, TOP - 8, String(c), { anchor: 'middle', cls: 'muted' }));
  }
  let y = TOP;
  let lastDomain: number | null = null;
  for (const { name, domain, v } of rows) {
    if (lastDomain !== null && domain !== lastDomain) y += 6;
    lastDomain = domain;
    body.push(text(LABEL - 8, y + CELL - 4, name, { anchor: 'end', cls: 'mono' }));
    const allowed = new Set(v.hardAffinity ?? []);
    // An affinity of every CPU says nothing; tint only real restrictions.
    const restricted = allowed.size > 0 && [...Array(ncpu).keys()].some((c) => !allowed.has(c));
    for (let c = 0; c < ncpu; c++) {
      const here = v.cpu === c;
      const cls = here ? (v.running ? 'run' : 'on') : restricted && allowed.has(c) ? 'aff' : 'cell';
      const tip = here
        ? `${name} ${v.running ? 'running on' : 'placed on'} pCPU ${c}${restricted ? `; hard affinity ${cpuList(v.hardAffinity)}` : ''}`
        : restricted && allowed.has(c)
          ? `${name} may run on pCPU ${c}`
          : null;
      body.push(rect(LABEL + c * pitch, y, CELL, CELL, cls, tip));
    }
    y += pitch;
  }
  if (vcpus.length > rows.length)
    body.push(
      text(LABEL, y + 12, `… ${vcpus.length - rows.length} more vCPUs in the table`, { cls: 'muted' }),
    );
  const running = vcpus.filter(({ v }) => v.running).length;
  return svgChart(
    {
      id,
      title: 'vCPU placement (from q)',
      desc: `${vcpus.length} vCPUs over ${ncpu} physical CPUs; ${running} running at the time of the dump.`,
      width: LABEL + ncpu * pitch + 8,
      height: y + (vcpus.length > rows.length ? 20 : 4),
    },
    body,
    [
      { cls: 'run', label: 'running on this pCPU' },
      { cls: 'on', label: 'placed here, not running' },
      { cls: 'aff', label: 'allowed by hard affinity' },
    ],
  );
}
