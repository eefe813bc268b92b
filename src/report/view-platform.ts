// The top of every human report: what the host is (platform facts from the boot log) and what went wrong
// (events, worst first in spirit but in input order, since order tells the story). dom0's own kernel panic
// is an event too: at 3 a.m. it is the line people look for first.

import { isDom0KernelPanic } from './dom0-event.js';
import type { Report, ReportEvent } from './model.js';
import { group, kibToSize, pages } from './view-model.js';

export interface FactRow {
  label: string;
  value: string;
  /** Shown in monospace (command lines, build ids). */
  code?: boolean;
}

export interface EventView {
  severity: 'critical' | 'warning' | 'info';
  title: string;
  message: string;
  cpu: number | null;
  time: string | null;
  replayed: boolean;
  /** A panic's message lines. */
  detail: string[];
  trace: { address: string | null; symbol: string | null }[];
}

const yesNo = (v: boolean | null, yes = 'enabled', no = 'disabled'): string | null =>
  v === null ? null : v ? yes : no;

export function platformRows(report: Report): FactRow[] {
  const p = report.platform;
  const rows: (FactRow | null)[] = [
    fact('Xen', [p.xenVersion ?? 'not seen', p.xenBuild?.vendor ? `(${p.xenBuild.vendor})` : null, p.arch]),
    fact('Build', [p.xenBuild?.buildInfo ?? null, p.xenBuild?.date ?? null, p.changeset]),
    fact('CPUs', [cpusText(report), p.cpuVendor]),
    fact('Scheduler', [p.scheduler ?? 'not seen', p.schedulerName ? `(${p.schedulerName})` : null]),
    p.schedulerNotFound ? fact('Scheduler asked for', [`${p.schedulerNotFound} (not built in)`]) : null,
    fact('Memory', [p.systemRamKiB === null ? null : `${kibToSize(p.systemRamKiB)} RAM`]),
    fact('NUMA nodes', [p.numaNodes === null ? null : String(p.numaNodes)]),
    fact('IOMMU', [yesNo(p.iommu), p.iommuVendor, p.interruptRemapping ? 'interrupt remapping' : null]),
    fact('HVM', [p.hvm, p.hap === null ? null : `HAP ${yesNo(p.hap, 'on', 'off')}`]),
    fact('Console ring', [p.consoleRingKiB === null ? null : `${p.consoleRingKiB} KiB`]),
    dom0Row(report),
    fact('dom0 kernel', [
      report.dom0.kernel,
      report.dom0.eventChannelAbi ? `evtchn ${report.dom0.eventChannelAbi}` : null,
    ]),
    p.commandLine !== null ? { label: 'Command line', value: p.commandLine, code: true } : null,
    p.buildId !== null ? { label: 'Build id', value: p.buildId, code: true } : null,
    report.source.startedAt ? { label: 'Started', value: report.source.startedAt } : null,
    { label: 'Source', value: sourceText(report) },
  ];
  return rows.filter((r): r is FactRow => r !== null);
}

function fact(label: string, parts: (string | null | undefined)[]): FactRow | null {
  const value = parts.filter((x): x is string => typeof x === 'string' && x !== '').join(' ');
  return value === '' ? null : { label, value };
}

function dom0Row(report: Report): FactRow | null {
  const p = report.platform;
  const mode = p.dom0Mode ?? report.dom0.mode;
  return fact('dom0', [
    mode?.toUpperCase() ?? null,
    p.dom0Vcpus === null ? null : `${p.dom0Vcpus} vCPUs`,
    p.dom0Memory.option ? `dom0_mem=${p.dom0Memory.option}` : null,
    p.dom0Memory.allocPages === null ? null : `${pages(p.dom0Memory.allocPages)} allocated`,
  ]);
}

export function sourceText(report: Report): string {
  const s = report.source;
  const files = s.files && s.files.length > 1 ? ` (${s.files.join(', ')})` : '';
  const st = report.stats;
  const lines = st ? `; ${group(st.lines)} lines, ${group(st.xenLines)} from Xen` : '';
  return `${s.kind} ${s.name ?? '(unnamed)'}${files}${lines}`;
}

const TITLES: Record<string, string> = {
  panic: 'Xen panic',
  'fatal-trap': 'Fatal trap',
  assertion: 'Assertion failed',
  'dom0-crash': 'dom0 crashed',
  watchdog: 'Watchdog: CPU stuck',
  'messages-suppressed': 'Messages suppressed',
  'input-switch': 'Console input switched',
};

const SEVERITY: Record<string, EventView['severity']> = {
  panic: 'critical',
  'fatal-trap': 'critical',
  assertion: 'critical',
  'dom0-crash': 'critical',
  watchdog: 'critical',
  'messages-suppressed': 'warning',
};

function eventView(e: ReportEvent): EventView {
  const cpu = e.cpu === null || e.cpu === undefined ? '' : ` on CPU ${e.cpu}`;
  const target = e.type === 'input-switch' && e.target ? ` to ${e.target}` : '';
  const title = isDom0KernelPanic(e) ? 'dom0 kernel panic' : (TITLES[e.type] ?? e.type);
  return {
    severity: SEVERITY[e.type] ?? 'info',
    title: `${title}${target}${cpu}`,
    message: e.message,
    cpu: e.cpu ?? null,
    time: e.time ?? null,
    replayed: e.replayed ?? false,
    // A panic box that only repeats its message adds nothing.
    detail: e.detail?.lines?.length === 1 && e.detail.lines[0] === e.message ? [] : (e.detail?.lines ?? []),
    trace: (e.callTrace ?? []).map((t) => ({
      address: t.address === '' ? null : t.address,
      symbol: t.symbol,
    })),
  };
}

/** Panics, traps, crashes and dom0's kernel panic: the events that explain a dead host. */
export function alarmingEvents(report: Report): EventView[] {
  const out = report.events
    .map((e) => ({ line: e.line ?? 0, view: eventView(e) }))
    .filter((e) => e.view.severity !== 'info');
  // Reports written before dom0's panic became an event carry it in dom0.panic only.
  const panic = report.events.some(isDom0KernelPanic) ? null : report.dom0?.panic;
  if (panic) {
    out.push({
      line: panic.line,
      view: {
        severity: 'critical',
        title: 'dom0 kernel panic',
        message: `Kernel panic - not syncing: ${panic.message}`,
        cpu: null,
        time: null,
        replayed: false,
        detail: [],
        trace: panic.callTrace.map((symbol) => ({ address: null, symbol })),
      },
    });
  }
  // Both count lines of the same input, so this is the order things happened in.
  return out.sort((a, b) => a.line - b.line).map((e) => e.view);
}

/** Input switches and the like: context, not alarms. */
export function otherEvents(report: Report): EventView[] {
  return report.events.map(eventView).filter((e) => e.severity === 'info');
}

/** One line for a trace entry: "ffff82d0402f9c06  default_idle+0xc6/0xf0". */
export function traceLine(t: { address: string | null; symbol: string | null }): string {
  return [t.address, t.symbol].filter((x) => x !== null && x !== '').join('  ');
}

/** The one line under the title: what host, what was captured, and whether anything went wrong. */
export function headline(report: Report): string {
  const h = headlineParts(report);
  return `${h.host} — ${h.verdict}`;
}

export function headlineParts(report: Report): { host: string; verdict: string; alarming: number } {
  const p = report.platform;
  const mode = p.dom0Mode ?? report.dom0?.mode ?? null;
  const host = [
    p.xenVersion ? `Xen ${p.xenVersion}` : 'Xen (version not seen)',
    cpusOf(report) !== null ? `${cpusOf(report)?.count} CPUs` : null,
    p.scheduler,
    mode ? `dom0 ${mode.toUpperCase()}` : null,
  ].filter(Boolean);
  const keys = report.captures.map((c) => c.key).join(' ');
  const alarms = alarmingEvents(report);
  const verdict =
    alarms.length === 0
      ? 'no alarming events'
      : `${alarms.length} alarming event${alarms.length === 1 ? '' : 's'}: ${[...new Set(alarms.map((a) => a.title))].join(', ')}`;
  const n = report.captures.length;
  const captures = `${n} capture${n === 1 ? '' : 's'}${keys ? ` (${keys})` : ''}`;
  return { host: `${host.join(' · ')} — ${captures}`, verdict, alarming: alarms.length };
}

/** What the report calls the host: the console recorded, else the input's name, else its kind. */
export function reportTitle(report: Report): string {
  return report.source.target ?? report.source.name ?? report.source.kind;
}

/**
 * How many CPUs: the boot log's "Brought up N CPUs", else what the keys list (`r`'s and `d`'s CPUs), so a
 * capture without the boot log does not say "not seen" beside a dump of every CPU.
 */
export function cpusOf(report: Report): { count: number; from: string | null } | null {
  if (report.platform.cpus !== null) return { count: report.platform.cpus, from: null };
  let best: { count: number; from: string } | null = null;
  for (const c of report.captures) {
    if (c.key !== 'r' && c.key !== 'd') continue;
    const cpus = (c.parsed as { cpus?: { cpu: number }[] } | null)?.cpus ?? [];
    const count = new Set(cpus.map((x) => x.cpu)).size;
    if (count > (best?.count ?? 0)) best = { count, from: c.key };
  }
  return best;
}

function cpusText(report: Report): string {
  const seen = cpusOf(report);
  if (seen === null) return 'not seen';
  return seen.from === null
    ? String(seen.count)
    : `${seen.count} (listed by ${seen.from}; the boot log was not seen)`;
}
