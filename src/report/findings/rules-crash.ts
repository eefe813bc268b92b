// Xen died, or dom0 did: panics, fatal traps, assertions, `Xen BUG at`, the NMI watchdog, dom0 crashes
// (Xen's events, parse/events.ts), and dom0's own kernel trouble from its Linux lines (dom0-virt.ts).

import type { XenEvent } from '../../parse/events.js';
import { isDom0KernelPanic } from '../dom0-event.js';
import type { Report } from '../model.js';
import { frame, frameText, spinningAt } from './frames.js';
import { type Evidence, type Finding, finding } from './model.js';

/** A panic this many lines after a watchdog or assertion is that report's own ending, not a second one. */
const SAME_CRASH = 250;

const STOPPED = 'Xen has stopped: send this log, with `xl info` of the host, to xen-devel.';

type Facts = Pick<Report, 'events' | 'dom0'>;

export function crashFindings(report: Facts): Finding[] {
  const out: Finding[] = [];
  let last: { finding: Finding; line: number } | null = null;
  let trapLine = -1;
  for (const e of report.events) {
    if (!['panic', 'fatal-trap', 'assertion', 'watchdog', 'dom0-crash'].includes(e.type)) continue;
    // A fatal trap's panic box is also a `panic` event (parse/events.ts): one crash, said once.
    if (e.type === 'panic' && e.line === trapLine) continue;
    if (e.type === 'fatal-trap') trapLine = e.line;
    // dom0's own kernel panic is also an event: its finding comes from dom0's lines below.
    if (isDom0KernelPanic(e)) continue;
    if (e.type === 'watchdog' && e.cpu === null && !/detects that CPU/.test(e.message)) {
      out.push(domainWatchdog(e));
      continue;
    }
    const ending = (e.type === 'panic' || e.type === 'fatal-trap') && last && e.line - last.line < SAME_CRASH;
    if (ending && last) {
      // The watchdog or assertion already told the cause: the panic box adds its lines and trace.
      last.finding.evidence.push(eventEvidence(e));
      const said = last.finding.evidence[0]?.text;
      // The panic box's lines go before the closing "send this log" sentence.
      const box = (e.detail.lines ?? []).slice(0, 6).filter((l) => l !== said);
      const d = last.finding.detail;
      d.splice(d[d.length - 1] === STOPPED ? d.length - 1 : d.length, 0, ...box);
      if (last.finding.trace.length === 0) setTrace(last.finding, e);
      last = null;
      continue;
    }
    const f = xenCrash(e);
    out.push(f);
    last = e.type === 'dom0-crash' ? null : { finding: f, line: e.line };
  }
  const dom0 = dom0Findings(report.dom0);
  // dom0's own panic is the cause of Xen's "Hardware Dom0 crashed": one finding, the kernel's words first.
  const panic = dom0.find((f) => f.id === 'dom0-panic');
  const crashed = out.findIndex((f) => f.id === 'dom0-crashed');
  if (panic && crashed >= 0) {
    const [xen] = out.splice(crashed, 1, panic);
    panic.evidence.push(...(xen?.evidence ?? []));
    panic.detail.push(`Then Xen: ${xen?.headline.replace(/^dom0 crashed: /, '') ?? ''}`);
    return [...out, ...dom0.filter((f) => f !== panic)];
  }
  return [...out, ...dom0];
}

function xenCrash(e: XenEvent): Finding {
  const cpu = e.cpu === null ? '' : ` on CPU ${e.cpu}`;
  const f = finding(e.type === 'dom0-crash' ? 'dom0-crashed' : `xen-${e.type}`, 'critical', '', {
    cpu: e.cpu,
    evidence: [eventEvidence(e)],
    detail: (e.detail.lines ?? []).slice(1, 8),
  });
  setTrace(f, e);
  const at = f.rip ? ` at ${frameText(f.rip)}` : '';
  if (e.type === 'watchdog') {
    const stuck = e.cpu ?? /CPU(\d+)/.exec(e.message)?.[1] ?? '?';
    f.headline = `Xen's NMI watchdog: CPU ${stuck} is stuck (no timer interrupt for seconds)${at}`;
    f.next = null;
  } else if (/^Xen BUG at /.test(e.message)) f.headline = `Xen BUG${cpu}: ${e.message}${at}`;
  else if (e.type === 'assertion' || /^Assertion '/.test(e.message))
    f.headline = `Xen assertion failed${cpu}: ${e.message}${at}`;
  else if (e.type === 'fatal-trap') f.headline = `Xen crashed${cpu}: ${e.message}${at}`;
  else if (e.type === 'dom0-crash') {
    f.headline = `dom0 crashed: ${e.message}`;
    f.next = { key: '0', why: "dom0's vCPU registers, if Xen still answers (noreboot)" };
  } else f.headline = `Xen panicked${cpu}: ${e.message}${at}`;
  if (e.type !== 'dom0-crash') f.detail.push(STOPPED);
  const spin = spinningAt(f.trace);
  if (spin) f.detail.unshift(`The trace starts in ${frameText(spin)}: a lock or a wait for other CPUs.`);
  return f;
}

function domainWatchdog(e: XenEvent): Finding {
  return finding('domain-watchdog', 'error', `A domain's watchdog fired: ${e.message}`, {
    evidence: [eventEvidence(e)],
    detail: ['The guest stopped feeding its watchdog (hung, or paused for too long).'],
    next: { key: 'q', why: "the domain's vCPUs and whether it is paused" },
  });
}

function setTrace(f: Finding, e: XenEvent): void {
  const trace = (e.callTrace ?? []).map((t) => frame(t.address, t.symbol));
  f.trace = trace;
  // 4.13+ prints the RIP as the trace's first (`R`) frame.
  f.rip = trace[0] ?? null;
}

export function eventEvidence(e: Pick<XenEvent, 'line' | 'message'>): Evidence {
  return { capture: null, key: null, line: e.line + 1, text: e.message };
}

const TROUBLE_HEADLINE = {
  oops: 'dom0 kernel oops',
  'soft-lockup': 'dom0 soft lockup',
  'rcu-stall': 'dom0 RCU stall',
  'hung-task': 'dom0 hung task',
} as const;

function dom0Findings(dom0: Report['dom0']): Finding[] {
  const out: Finding[] = [];
  const p = dom0.panic;
  if (p) {
    out.push(
      finding('dom0-panic', 'critical', `dom0 kernel panic: ${p.message}`, {
        evidence: [
          { capture: null, key: null, line: p.line + 1, text: `Kernel panic - not syncing: ${p.message}` },
        ],
        detail: p.callTrace.length ? [`dom0 call trace: ${p.callTrace.slice(0, 8).join(' ← ')}`] : [],
        next: { key: '0', why: "dom0's vCPU registers and stacks, while Xen still answers" },
      }),
    );
  }
  const trouble = dom0.trouble ?? [];
  for (const kind of ['oops', 'soft-lockup', 'rcu-stall', 'hung-task'] as const) {
    const seen = trouble.filter((t) => t.kind === kind);
    const first = seen[0];
    if (!first) continue;
    out.push(
      finding(
        `dom0-${kind}`,
        kind === 'hung-task' ? 'warning' : 'error',
        `${TROUBLE_HEADLINE[kind]}: ${first.message}`,
        {
          evidence: seen.map((t) => ({ capture: null, key: null, line: t.line + 1, text: t.message })),
          next:
            kind === 'oops'
              ? null
              : { key: 'd', why: 'where each CPU is in Xen; twice, to see whether they move' },
        },
      ),
    );
  }
  return out;
}
