// `r` — dump run queues (no header): cpupools, the scheduler of each, per-CPU current vCPU and queues.
// Sources: dump_runq in xen/common/cpupool.c (≤4.13) / common/sched/cpupool.c (4.14+), schedule_dump in
// common/schedule.c / common/sched/core.c, and each scheduler's dump hooks (credit, credit2, null, rtds).

import { type ParsedBase, parseCpuList } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';
import { type SchedUnit, isUnitContinuation, mergeContinuation, parseUnit } from './runq-units.js';

export interface RunqCpu {
  cpu: number;
  /** The vCPU running there (`d0v1`, `d[IDLE]v3`): `current=` (4.14+) or the `run:` unit (≤4.13). */
  current: string | null;
  pool: string | null;
  /** Scheduler fields of its `CPU[nn]` line(s): runq, nr_run, sort, sibling, core, unit… */
  fields: Record<string, string>;
  run: SchedUnit | null;
  queue: SchedUnit[];
}

export interface RunqPool {
  /** `0`, `1`… or `idle` (4.4–4.5 "Idle cpupool") / `free` ("Free Cpus", 4.6+). */
  name: string;
  scheduler: string | null;
  schedulerName: string | null;
  cpus: number[] | null;
  granularity: string | null;
  settings: Record<string, string>;
}

export interface RunqParsed extends ParsedBase {
  /** The scheduler of the first numbered cpupool (`credit2`). */
  scheduler: string | null;
  cpus: RunqCpu[];
  now: number | null;
  smtPowerSavings: boolean | null;
  onlineCpus: number[] | null;
  pools: RunqPool[];
  runqueues: { id: number; settings: Record<string, string>; queue: SchedUnit[] }[];
  domains: { id: number; fields: Record<string, string>; units: SchedUnit[] }[];
  /** Other unit lists: credit's `active units`, rtds' global queues, null's waitqueue. */
  lists: Record<string, (SchedUnit | string)[]>;
}

const CPU_LINE = /^CPU\[(\d+)\]\s*(.*)$/;
const SETTING = /^\s+([A-Za-z][\w .-]*?)\s*=\s*(.*)$/;
const NUMBERED_UNIT = /^\s+\d+: (\[.*)$/;

export function parseRunq(lines: readonly string[], norms?: readonly NormLine[]): RunqParsed {
  const out: RunqParsed = {
    scheduler: null,
    cpus: [],
    now: null,
    smtPowerSavings: null,
    onlineCpus: null,
    pools: [],
    runqueues: [],
    domains: [],
    lists: {},
    unrecognised: [],
  };
  const cpus = new Map<number, RunqCpu>();
  let pool: RunqPool | null = null;
  let cpu: RunqCpu | null = null;
  let target: SchedUnit[] | (SchedUnit | string)[] | null = null;
  let lastUnit: SchedUnit | null = null;
  let settings: Record<string, string> | null = null;

  const openPool = (name: string): RunqPool => {
    pool = { name, scheduler: null, schedulerName: null, cpus: null, granularity: null, settings: {} };
    out.pools.push(pool);
    settings = pool.settings;
    cpu = null;
    target = null;
    return pool;
  };
  const list = (name: string): (SchedUnit | string)[] => (out.lists[name] ??= []);

  for (const { line, n } of keyLines(lines, norms)) {
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    const t = n.text;
    if (t.trim() === '') continue;
    if (lastUnit && isUnitContinuation(t)) {
      mergeContinuation(lastUnit, t);
      continue;
    }
    lastUnit = null;
    let m: RegExpExecArray | null;
    if ((m = /^sched_smt_power_savings: (\w+)/.exec(t))) out.smtPowerSavings = m[1] === 'enabled';
    else if ((m = /^NOW=(?:0x([0-9a-f]{16})|(-?\d+))$/i.exec(t)))
      out.now = m[2] !== undefined ? Number(m[2]) : parseInt(m[1] ?? '0', 16);
    else if ((m = /^Online Cpus: (.*)$/.exec(t))) out.onlineCpus = parseCpuList(m[1] ?? '');
    else if (/^Idle cpupool:/.test(t)) openPool('idle');
    else if ((m = /^Free Cpus: (.*)$/.exec(t))) openPool('free').cpus = parseCpuList(m[1] ?? '');
    else if ((m = /^Cpupool (\d+):/.exec(t))) openPool(m[1] ?? '');
    else if ((m = /^Cpus: (.*)$/.exec(t)) && pool) (pool as RunqPool).cpus = parseCpuList(m[1] ?? '');
    else if ((m = /^Scheduling granularity: (.*)$/.exec(t)) && pool)
      (pool as RunqPool).granularity = m[1] ?? null;
    else if ((m = /^Scheduler: (.*) \((\w+)\)\s*$/.exec(t))) {
      const p: RunqPool = pool ?? openPool('0');
      p.schedulerName = m[1] ?? null;
      p.scheduler = m[2] ?? null;
    } else if ((m = CPU_LINE.exec(t))) {
      const id = Number(m[1]);
      cpu = cpus.get(id) ?? null;
      if (!cpu) {
        const p = pool as RunqPool | null;
        cpu = { cpu: id, current: null, pool: p?.name ?? null, fields: {}, run: null, queue: [] };
        cpus.set(id, cpu);
      }
      cpuFields(cpu, m[2] ?? '');
      target = cpu.queue;
    } else if ((m = /^\s*run: (.*)$/.exec(t)) && cpu) {
      const c = cpu as RunqCpu;
      c.run = lastUnit = parseUnit(m[1] ?? '');
      if (c.current === null && c.run) c.current = c.run.vcpu;
    } else if ((m = NUMBERED_UNIT.exec(t)) && target) {
      const u = parseUnit(m[1] ?? '');
      if (u) (target as SchedUnit[]).push((lastUnit = u));
      else out.unrecognised.push(line);
    } else if (/^\[\s*-?\d+\.\d+\s*\]/.test(t) && target) {
      // rtds prints units with no number, straight after their heading or CPU line.
      // rtds prints the running unit after `CPU[nn]` (rt_dump_pcpu): that is the CPU's, not a queue's.
      const u = parseUnit(t);
      const c = cpu as RunqCpu | null;
      if (u && c && target === c.queue && c.run === null) {
        c.run = lastUnit = u;
        c.current ??= u.vcpu;
      } else if (u) (target as SchedUnit[]).push((lastUnit = u));
      else out.unrecognised.push(line);
    } else if ((m = /^Runqueue (\d+):/.exec(t))) {
      const id = Number(m[1]);
      let rq = out.runqueues.find((r) => r.id === id);
      if (!rq) out.runqueues.push((rq = { id, settings: {}, queue: [] }));
      settings = rq.settings;
      target = null;
      cpu = null;
    } else if (/^RUNQ:/.test(t)) {
      target = out.runqueues[out.runqueues.length - 1]?.queue ?? list('runq');
      cpu = null;
    } else if (/^Domain info:/.test(t)) {
      target = null;
      cpu = null;
    } else if ((m = /^\s*[Dd]omain: (\d+)\s*(.*)$/.exec(t))) {
      const dom = { id: Number(m[1]), fields: domainFields(m[2] ?? ''), units: [] as SchedUnit[] };
      out.domains.push(dom);
      target = dom.units;
    } else if ((m = /^(active (?:units|vcpus)|Global \w+ info|Global Replenishment Events info):/.exec(t))) {
      target = list(m[1] ?? '');
      cpu = null;
    } else if ((m = /^Waitqueue: ?(.*)$/.exec(t))) {
      list('waitqueue').push(...splitWaitqueue(m[1] ?? ''));
      target = list('waitqueue');
    } else if (target === out.lists['waitqueue'] && /^\s+d\d+v\d+/.test(t)) {
      list('waitqueue').push(...splitWaitqueue(t));
    } else if (/^(CPUs info|info):$/.test(t)) {
      cpu = null;
      target = null;
    } else if ((m = /^(idlers|Active queues): (.*)$/.exec(t)) && settings) {
      (settings as Record<string, string>)[m[1] ?? ''] = (m[2] ?? '').trim();
    } else if ((m = SETTING.exec(t)) && settings) {
      (settings as Record<string, string>)[(m[1] ?? '').trim()] = (m[2] ?? '').trim();
    } else if ((m = /^\s+(idlers|tickled|fully idle cores): (.*)$/.exec(t)) && settings) {
      (settings as Record<string, string>)[m[1] ?? ''] = (m[2] ?? '').trim();
    } else out.unrecognised.push(line);
  }
  out.cpus = [...cpus.values()].sort((a, b) => a.cpu - b.cpu);
  out.scheduler = (out.pools.find((p) => /^\d+$/.test(p.name)) ?? out.pools[0])?.scheduler ?? null;
  return out;
}

function cpuFields(cpu: RunqCpu, rest: string): void {
  // rtds 4.5–4.8 put the running unit on the CPU line itself.
  if (rest.startsWith('[')) {
    cpu.run = parseUnit(rest);
    if (cpu.run) cpu.current ??= cpu.run.vcpu;
    return;
  }
  // `current=d0v1, curr=d0v1, prev=NULL` · `runq=0, sibling={0}, core={0-1}` · credit ≤4.8 ` sort=…`
  // null ≤4.12 `vcpu=d0v1`, 4.13+ `unit=d0v1`. Masks are lists (`{0-3}`) or hex bitmaps that may hold
  // commas (`00000000,0000000f`), so fields are split at ", name=" rather than at every comma.
  for (const part of rest.split(/,?\s+(?=\w+=)/)) {
    const m = /^(\w+)=(.*?),?$/.exec(part.trim());
    if (!m) continue;
    const key = m[1] ?? '';
    const value = m[2] ?? '';
    if (key === 'current') cpu.current = value;
    else if (cpu.fields[key] === undefined) cpu.fields[key] = value;
  }
}

function domainFields(rest: string): Record<string, string> {
  // credit2: `w 256 c 0 v 2` (≤4.9 `w %d v %d`).
  const out: Record<string, string> = {};
  for (const m of rest.matchAll(/\b([wcv]) (-?\d+)/g)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

function splitWaitqueue(text: string): string[] {
  return text
    .split(/,\s*/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
