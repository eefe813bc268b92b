// What changed between two dumps: two reports (the last dump of each key in each), or the first and last
// dump of a key within one report (`stuck-cpu` presses r d r d). Domains that came and went, memory moves
// (q nr_pages, u per node, m heaps), vCPUs that sat on the same pCPU in both `r` dumps and CPUs whose RIP
// did not move between `d` dumps: the hints that point at a stuck vCPU or a CPU spinning on a lock.

import type { ParsedByKey, Report } from './model.js';
import { waiting } from './view-keys.js';
import { type KeySection, allSections, isIdleSymbol, isIdleVcpu, parsedOf } from './view-model.js';

export const DIFF_SCHEMA = 'xenkeys.diff/1';

/** Which dump a comparison used: the report (A or B), the capture's index, and when it was taken. */
export interface DumpRef {
  side: 'A' | 'B';
  capture: number;
  key: string;
  partOf: string | null;
  start: number | null;
}

export interface Change {
  a: number | null;
  b: number | null;
  delta: number | null;
}

export interface StayedVcpu {
  vcpu: string;
  /** The pCPU, or for a shared run queue (credit2) null with `runqueue` set. */
  cpu: number | null;
  runqueue: number | null;
  state: 'running' | 'queued';
}

export interface ReportDiff {
  schema: typeof DIFF_SCHEMA;
  a: string;
  b: string;
  /** Both sides are dumps within one report. */
  within: boolean;
  platform: { field: string; a: string | null; b: string | null }[];
  domains: { from: DumpRef; to: DumpRef; appeared: number[]; vanished: number[]; kept: number[] } | null;
  /** q nr_pages per domain (in both), in pages. */
  domainPages: { from: DumpRef; to: DumpRef; rows: (Change & { domain: number })[] } | null;
  /** u: free pages per node and each domain's pages per node. */
  numa: {
    from: DumpRef;
    to: DumpRef;
    nodes: (Change & { node: number })[];
    domains: (Change & { domain: number; node: number })[];
  } | null;
  /** m: free KiB per heap. */
  heap: { from: DumpRef; to: DumpRef; rows: (Change & { heap: string })[] } | null;
  runq: {
    from: DumpRef;
    to: DumpRef;
    elapsedNs: number | null;
    stayed: StayedVcpu[];
    idleInBoth: number[];
  } | null;
  registers: {
    from: DumpRef;
    to: DumpRef;
    unchanged: { cpu: number; rip: string; symbol: string | null; idle: boolean }[];
    changed: { cpu: number; a: string | null; b: string | null }[];
  } | null;
  /** Alarming events in B that A does not have (two reports only). */
  newEvents: { type: string; message: string }[];
  notes: string[];
}

interface Pick {
  ref: DumpRef;
  section: KeySection;
}

/** Compare B with A, or (b null) the first and last dump of each key within A. */
export function diffReports(a: Report, b: Report | null, names: { a: string; b?: string }): ReportDiff {
  const within = b === null;
  const sa = allSections(a);
  const sb = b === null ? sa : allSections(b);
  const notes: string[] = [];
  const pair = (key: string): [Pick, Pick] | null => {
    const inA = sa.filter((s) => s.key === key && s.parsed);
    const inB = sb.filter((s) => s.key === key && s.parsed);
    const from = within ? inA[0] : inA[inA.length - 1];
    const to = inB[inB.length - 1];
    if (!from || !to || from === to) {
      const where = within
        ? `${inA.length === 1 ? 'only one' : 'no'} ${key} dump in ${names.a}`
        : `no ${key} dump in ${!from ? 'A' : 'B'}`;
      if (KEYS_NOTED.includes(key)) notes.push(`${key}: ${where}, nothing to compare.`);
      return null;
    }
    return [pick(from, 'A'), pick(to, within ? 'A' : 'B')];
  };
  const q = pair('q');
  const u = pair('u');
  const m = pair('m');
  const r = pair('r');
  const d = pair('d');
  return {
    schema: DIFF_SCHEMA,
    a: names.a,
    b: names.b ?? names.a,
    within,
    platform: b === null ? [] : platformChanges(a, b),
    domains: q && domainsDiff(q),
    domainPages: q && domainPagesDiff(q),
    numa: u && numaDiff(u),
    heap: m && heapDiff(m),
    runq: r && runqDiff(r),
    registers: d && registersDiff(d),
    newEvents: b === null ? [] : newEvents(a, b),
    notes,
  };
}

const KEYS_NOTED = ['q', 'r', 'd'];

function pick(s: KeySection, side: 'A' | 'B'): Pick {
  return { ref: { side, capture: s.index, key: s.key, partOf: s.partOf, start: s.start }, section: s };
}

const change = (a: number | null | undefined, b: number | null | undefined): Change => ({
  a: a ?? null,
  b: b ?? null,
  delta: a === null || a === undefined || b === null || b === undefined ? null : b - a,
});

function platformChanges(a: Report, b: Report): ReportDiff['platform'] {
  const fields = ['xenVersion', 'commandLine', 'cpus', 'scheduler', 'buildId'] as const;
  return fields
    .map((f) => ({ field: f, a: str(a.platform[f]), b: str(b.platform[f]) }))
    .filter((x) => x.a !== null && x.b !== null && x.a !== x.b);
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function domainsDiff([from, to]: [Pick, Pick]): ReportDiff['domains'] {
  const a = new Set((parsedOf(from.section, 'q')?.domains ?? []).map((d) => d.id));
  const b = new Set((parsedOf(to.section, 'q')?.domains ?? []).map((d) => d.id));
  const sort = (xs: number[]): number[] => xs.sort((x, y) => x - y);
  return {
    from: from.ref,
    to: to.ref,
    appeared: sort([...b].filter((id) => !a.has(id))),
    vanished: sort([...a].filter((id) => !b.has(id))),
    kept: sort([...a].filter((id) => b.has(id))),
  };
}

function domainPagesDiff([from, to]: [Pick, Pick]): ReportDiff['domainPages'] {
  const a = new Map((parsedOf(from.section, 'q')?.domains ?? []).map((d) => [d.id, d.nrPages]));
  const b = new Map((parsedOf(to.section, 'q')?.domains ?? []).map((d) => [d.id, d.nrPages]));
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  return {
    from: from.ref,
    to: to.ref,
    rows: ids.map((domain) => ({ domain, ...change(a.get(domain), b.get(domain)) })),
  };
}

function numaDiff([from, to]: [Pick, Pick]): ReportDiff['numa'] {
  const ua = parsedOf(from.section, 'u') as ParsedByKey['u'];
  const ub = parsedOf(to.section, 'u') as ParsedByKey['u'];
  const nodeIds = [...new Set([...ua.nodes, ...ub.nodes].map((n) => n.id))].sort((x, y) => x - y);
  const freeOf = (u: ParsedByKey['u'], id: number): number | null =>
    u.nodes.find((n) => n.id === id)?.freePages ?? null;
  const domains: (Change & { domain: number; node: number })[] = [];
  const ids = [...new Set([...ua.domains, ...ub.domains].map((d) => d.id))].sort((x, y) => x - y);
  for (const domain of ids) {
    const da = ua.domains.find((d) => d.id === domain)?.pagesByNode ?? {};
    const db = ub.domains.find((d) => d.id === domain)?.pagesByNode ?? {};
    const nodes = [...new Set([...Object.keys(da), ...Object.keys(db)])].map(Number).sort((x, y) => x - y);
    for (const node of nodes) domains.push({ domain, node, ...change(da[String(node)], db[String(node)]) });
  }
  return {
    from: from.ref,
    to: to.ref,
    nodes: nodeIds.map((node) => ({ node, ...change(freeOf(ua, node), freeOf(ub, node)) })),
    domains,
  };
}

function heapDiff([from, to]: [Pick, Pick]): ReportDiff['heap'] {
  const heaps = (m: ParsedByKey['m'] | null): Map<string, number | null> =>
    new Map<string, number | null>([
      ['Dom heap', m?.domHeapFreeKiB ?? null],
      ['Xen heap', m?.xenHeapFreeKiB ?? null],
      ['DMA heap', m?.dmaHeapFreeKiB ?? null],
      ...Object.entries(m?.heapFreeKiB ?? {}).map(([zone, kib]): [string, number] => [`heap[${zone}]`, kib]),
    ]);
  const a = heaps(parsedOf(from.section, 'm'));
  const b = heaps(parsedOf(to.section, 'm'));
  const rows = [...new Set([...a.keys(), ...b.keys()])]
    .map((heap) => ({ heap, ...change(a.get(heap), b.get(heap)) }))
    .filter((x) => x.a !== null || x.b !== null);
  return { from: from.ref, to: to.ref, rows };
}

/** Where each non-idle vCPU is in one `r` dump: running on a pCPU, or queued on a pCPU / shared queue. */
export function placements(r: ParsedByKey['r']): Map<string, StayedVcpu> {
  const out = new Map<string, StayedVcpu>();
  for (const c of r.cpus) {
    if (c.current && !isIdleVcpu(c.current))
      out.set(c.current, { vcpu: c.current, cpu: c.cpu, runqueue: null, state: 'running' });
    for (const v of waiting(c.queue))
      if (!out.has(v)) out.set(v, { vcpu: v, cpu: c.cpu, runqueue: null, state: 'queued' });
  }
  for (const q of r.runqueues)
    for (const v of waiting(q.queue))
      if (!out.has(v)) out.set(v, { vcpu: v, cpu: null, runqueue: q.id, state: 'queued' });
  return out;
}

function runqDiff([from, to]: [Pick, Pick]): ReportDiff['runq'] {
  const ra = parsedOf(from.section, 'r') as ParsedByKey['r'];
  const rb = parsedOf(to.section, 'r') as ParsedByKey['r'];
  const a = placements(ra);
  const b = placements(rb);
  const stayed = [...a.values()].filter((x) => {
    const y = b.get(x.vcpu);
    return y !== undefined && y.state === x.state && y.cpu === x.cpu && y.runqueue === x.runqueue;
  });
  // Queued in both is the stronger hint (it never got to run), so it comes first.
  stayed.sort((x, y) =>
    x.state === y.state ? (x.cpu ?? -1) - (y.cpu ?? -1) : x.state === 'queued' ? -1 : 1,
  );
  const idleA = new Set(ra.cpus.filter((c) => isIdleVcpu(c.current)).map((c) => c.cpu));
  const idleInBoth = rb.cpus.filter((c) => isIdleVcpu(c.current) && idleA.has(c.cpu)).map((c) => c.cpu);
  const elapsedNs = ra.now !== null && rb.now !== null && rb.now >= ra.now ? rb.now - ra.now : null;
  return { from: from.ref, to: to.ref, elapsedNs, stayed, idleInBoth };
}

function registersDiff([from, to]: [Pick, Pick]): ReportDiff['registers'] {
  const da = parsedOf(from.section, 'd')?.cpus ?? [];
  const db = new Map((parsedOf(to.section, 'd')?.cpus ?? []).map((c) => [c.cpu, c]));
  const unchanged: NonNullable<ReportDiff['registers']>['unchanged'] = [];
  const changed: NonNullable<ReportDiff['registers']>['changed'] = [];
  for (const ca of da) {
    const cb = db.get(ca.cpu);
    if (!cb) continue;
    if (ca.rip !== null && ca.rip === cb.rip)
      unchanged.push({ cpu: ca.cpu, rip: ca.rip, symbol: ca.symbol, idle: isIdleSymbol(ca.symbol) });
    else changed.push({ cpu: ca.cpu, a: ca.symbol ?? ca.rip, b: cb.symbol ?? cb.rip });
  }
  // A busy CPU at the same RIP twice is the finding; idle ones only confirm the dumps are comparable.
  unchanged.sort((x, y) => Number(x.idle) - Number(y.idle) || x.cpu - y.cpu);
  return { from: from.ref, to: to.ref, unchanged, changed };
}

const ALARMING = new Set(['panic', 'fatal-trap', 'assertion', 'dom0-crash', 'watchdog']);

function newEvents(a: Report, b: Report): ReportDiff['newEvents'] {
  const seen = new Set(a.events.map((e) => `${e.type}\n${e.message}`));
  return b.events
    .filter((e) => ALARMING.has(e.type) && !seen.has(`${e.type}\n${e.message}`))
    .map((e) => ({ type: e.type, message: e.message }));
}
