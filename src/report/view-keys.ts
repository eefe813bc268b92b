// Per-key views for the human reports: tables for the keys people read at 3 a.m. (q domains and vCPUs,
// r run queues, d and 0 registers with call traces, memory in view-memory.ts) and one summary line for
// the rest (view-summaries.ts). Markdown and HTML draw these; the facts are chosen here, once.

import type { ParsedByKey } from './model.js';
import { memoryView, numaView, heapView } from './view-memory.js';
import { summaryLine } from './view-summaries.js';
import {
  type Cell,
  type KeySection,
  type Table,
  cell,
  code,
  cpuList,
  group,
  isIdleSymbol,
  isIdleVcpu,
  maxPages,
  pages,
  parsedOf,
} from './view-model.js';

export interface TraceGroup {
  caption: string;
  lines: string[];
}

export interface KeyView {
  summary: string | null;
  tables: Table[];
  traces: TraceGroup[];
  notes: string[];
}

const empty = (summary: string | null): KeyView => ({ summary, tables: [], traces: [], notes: [] });

export function keyView(s: KeySection): KeyView {
  if (s.parsed === null || s.parsed === undefined)
    return empty('No parser for this key: verbatim text only.');
  const q = parsedOf(s, 'q');
  if (q) return domainsView(q);
  const r = parsedOf(s, 'r');
  if (r) return runqView(r);
  const d = parsedOf(s, 'd');
  if (d) return registersView(d);
  const zero = parsedOf(s, '0');
  if (zero) return dom0RegistersView(zero);
  const m = parsedOf(s, 'm');
  if (m) return { ...empty(null), ...memoryView(m) };
  const u = parsedOf(s, 'u');
  if (u) return { ...empty(null), ...numaView(u) };
  const h = parsedOf(s, 'H');
  if (h) return { ...empty(null), ...heapView(h) };
  const all = parsedOf(s, '*');
  if (all)
    return empty(`${all.parts.length} keys, each shown below: ${all.parts.map((p) => p.key).join(' ')}`);
  return empty(summaryLine(s));
}

function domainsView(q: ParsedByKey['q']): KeyView {
  const vcpus = q.domains.flatMap((d) => d.vcpus.map((v) => ({ d, v })));
  const running = vcpus.filter(({ v }) => v.running).length;
  const domains: Table = {
    caption: 'Domains',
    columns: [
      { label: 'domain' },
      { label: 'nr_pages', numeric: true },
      { label: 'max_pages', numeric: true },
      { label: 'vCPUs', numeric: true },
      { label: 'refcnt', numeric: true },
      { label: 'dying' },
      { label: 'paused', numeric: true },
      { label: 'node affinity' },
      { label: 'dirty CPUs' },
    ],
    rows: q.domains.map((d) => [
      cell(`d${d.id}`, { code: true }),
      cell(pages(d.nrPages)),
      cell(maxPages(d.maxPages)),
      cell(d.vcpus.length),
      cell(d.refcnt),
      d.dying ? cell('dying', { tone: 'bad' }) : cell(d.dying === null ? null : 'no', { tone: 'dim' }),
      d.pauseCount ? cell(d.pauseCount, { tone: 'warn' }) : cell(d.pauseCount),
      cell(cpuList(d.nodeAffinity)),
      cell(cpuList(d.dirtyCpus)),
    ]),
  };
  const vcpuTable: Table = {
    caption: 'vCPUs',
    columns: [
      { label: 'vCPU' },
      { label: 'pCPU', numeric: true },
      { label: 'state' },
      { label: 'pause flags' },
      { label: 'poll', numeric: true },
      { label: 'upcall pend/mask' },
      { label: 'hard affinity' },
      { label: 'soft affinity' },
    ],
    rows: vcpus.map(({ d, v }) => [
      code(`d${d.id}v${v.id}`),
      cell(v.cpu),
      v.running === null
        ? cell(null)
        : v.running
          ? cell('running', { tone: 'good' })
          : cell('not running', { tone: 'dim' }),
      cell(v.pauseFlags),
      cell(v.poll),
      cell(v.upcallPending === null ? null : `${v.upcallPending}/${v.upcallMask ?? '?'}`, { code: true }),
      cell(cpuList(v.hardAffinity)),
      cell(cpuList(v.softAffinity)),
    ]),
  };
  return {
    summary: `${q.domains.length} domain${q.domains.length === 1 ? '' : 's'}, ${vcpus.length} vCPUs (${running} running)`,
    tables: [domains, vcpuTable],
    traces: [],
    notes: [],
  };
}

const unitName = (u: { vcpu: string } | string): string => (typeof u === 'string' ? u : u.vcpu);

/**
 * The vCPUs waiting in a queue; credit keeps the idle vCPU at the tail, which waits for nothing. `queue`
 * is an extra, not the contract's: a report.json read back (`diff`) may lack it or hold something else.
 */
export function waiting(queue: readonly ({ vcpu: string } | string)[]): string[] {
  if (!Array.isArray(queue)) return [];
  return queue
    .filter((u) => typeof u === 'string' || typeof (u as { vcpu?: unknown } | null)?.vcpu === 'string')
    .map(unitName)
    .filter((n) => !isIdleVcpu(n));
}

function runqView(r: ParsedByKey['r']): KeyView {
  const guests = r.cpus.filter((c) => c.current !== null && !isIdleVcpu(c.current));
  const queued =
    r.cpus.reduce((n, c) => n + waiting(c.queue).length, 0) +
    r.runqueues.reduce((n, q) => n + waiting(q.queue).length, 0);
  const cpus: Table = {
    caption: 'Run queues per CPU',
    columns: [
      { label: 'pCPU', numeric: true },
      { label: 'pool' },
      { label: 'current' },
      { label: 'queued' },
      { label: 'details' },
    ],
    rows: r.cpus.map((c) => [
      cell(c.cpu),
      cell(c.pool),
      c.current === null ? cell(null) : code(c.current, isIdleVcpu(c.current) ? 'dim' : undefined),
      waiting(c.queue).length === 0 ? cell(null) : code(waiting(c.queue).join(' '), 'warn'),
      cell(runDetail(c)),
    ]),
  };
  const tables = [cpus];
  if (r.runqueues.length > 0) {
    tables.push({
      caption: 'Shared run queues',
      columns: [
        { label: 'runqueue', numeric: true },
        { label: 'CPUs' },
        { label: 'queued' },
        { label: 'load' },
      ],
      rows: r.runqueues.map((q) => [
        cell(q.id),
        cell(q.settings['cpus'] ?? null),
        waiting(q.queue).length === 0 ? cell(null) : code(waiting(q.queue).join(' '), 'warn'),
        cell(q.settings['aveload'] ?? q.settings['instload'] ?? null),
      ]),
    });
  }
  const notes = Object.entries(r.lists)
    .filter(([, units]) => units.length > 0)
    .map(([name, units]) => `${name}: ${units.map(unitName).join(' ')}`);
  const pools = r.pools
    .filter((p) => p.scheduler)
    .map((p) => `pool ${p.name} ${p.scheduler} on CPUs ${cpuList(p.cpus) ?? '?'}`);
  return {
    summary: `${r.scheduler ?? 'unknown'} scheduler; ${r.cpus.length} CPUs, ${guests.length} running a guest vCPU, ${queued} vCPUs queued${pools.length > 1 ? `; ${pools.join('; ')}` : ''}`,
    tables,
    traces: [],
    notes,
  };
}

function runDetail(c: ParsedByKey['r']['cpus'][number]): string | null {
  const parts: string[] = [];
  for (const k of ['runq', 'nr_run', 'sort'])
    if (c.fields[k] !== undefined) parts.push(`${k}=${c.fields[k]}`);
  const credit = c.run?.fields['credit'];
  if (credit !== undefined) parts.push(`credit=${credit}`);
  return parts.length ? parts.join(' ') : null;
}

function registersView(d: ParsedByKey['d']): KeyView {
  const table: Table = {
    caption: 'Registers per CPU',
    columns: [
      { label: 'CPU', numeric: true },
      { label: 'context' },
      { label: 'vCPU' },
      { label: 'RIP' },
      { label: 'symbol' },
    ],
    rows: d.cpus.map((c) => {
      const idle = isIdleSymbol(c.symbol);
      return [
        cell(c.cpu),
        cell(c.context, c.context === 'hypervisor' ? {} : { tone: 'warn' }),
        code(c.vcpu),
        code(c.rip, idle ? 'dim' : undefined),
        code(c.symbol, idle ? 'dim' : undefined),
      ];
    }),
  };
  const idle = d.cpus.filter((c) => isIdleSymbol(c.symbol)).length;
  return {
    summary: `${d.cpus.length} CPUs dumped: ${idle} idle, ${d.cpus.length - idle} busy`,
    tables: [table],
    traces: groupTraces(
      d.cpus.map((c) => ({
        cpu: c.cpu,
        trace: c.callTrace.map((t) => `${t.address}  ${t.symbol ?? ''}`.trim()),
      })),
    ),
    notes: [],
  };
}

/** CPUs with the same call trace share one block: eight idle CPUs are one fact, not eight. */
export function groupTraces(cpus: { cpu: number; trace: string[] }[]): TraceGroup[] {
  const groups = new Map<string, { cpus: number[]; lines: string[] }>();
  for (const c of cpus) {
    if (c.trace.length === 0) continue;
    // Addresses differ between identical stacks only in the stack-scan noise; compare the lines whole.
    const key = c.trace.join('\n');
    const g = groups.get(key) ?? { cpus: [], lines: c.trace };
    g.cpus.push(c.cpu);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({
    caption:
      g.cpus.length === 1
        ? `Call trace of CPU ${g.cpus[0]}`
        : `Call trace of CPUs ${cpuList(g.cpus)} (identical)`,
    lines: g.lines,
  }));
}

function dom0RegistersView(z: ParsedByKey['0']): KeyView {
  const rows: Cell[][] = z.vcpus.map((v) => [
    code(`d${v.domain}v${v.vcpu}`),
    cell(v.offline ? 'offline' : v.context, v.offline ? { tone: 'dim' } : {}),
    code(v.rip),
    code(v.state?.symbol ?? null),
  ]);
  return {
    summary: `${z.vcpus.length} dom0 vCPUs dumped${z.vcpus.some((v) => v.offline) ? `, ${group(z.vcpus.filter((v) => v.offline).length)} offline` : ''}`,
    tables: [
      {
        caption: 'dom0 vCPUs',
        columns: [{ label: 'vCPU' }, { label: 'context' }, { label: 'RIP' }, { label: 'symbol' }],
        rows,
      },
    ],
    traces: groupTraces(
      z.vcpus.map((v) => ({
        cpu: v.vcpu,
        trace: (v.state?.callTrace ?? []).map((t) => `${t.address}  ${t.symbol ?? ''}`.trim()),
      })),
    ).map((g) => ({ ...g, caption: g.caption.replace(/CPUs?/, (w) => `dom0 v${w}`) })),
    notes: [],
  };
}
