// Notable hypervisor events anywhere in the input: panics (the `****` box, drivers/char/console.c panic),
// fatal traps (arch/x86/traps.c: every version's `FATAL TRAP` form, PF/GP/DF/CP), assertions (`Assertion
// '%s' failed at`, 4.4's `failed, line %d, file %s`, and `Xen BUG at`), watchdogs (arch/x86/nmi.c, common/sched/core.c),
// dom0 crashes (common/shutdown.c), `printk: N messages suppressed` and input switches (console.c).

import { type CallTraceEntry, isCallTraceHeader, isFaultOnAccess, parseCallTraceLine } from './call-trace.js';
import { FirstCharRules } from './first-char.js';
import { detach, type NormLine, normaliseLine } from './prefix.js';

export type EventType =
  'panic' | 'fatal-trap' | 'assertion' | 'dom0-crash' | 'watchdog' | 'messages-suppressed' | 'input-switch';

export interface XenEvent {
  type: EventType;
  cpu: number | null;
  /** The line that says it, without prefix or timestamp (for a panic: its first message line). */
  message: string;
  /** For input-switch: `xen`, `dom0`, `dom1`… */
  target: string | null;
  callTrace: { address: string; symbol: string | null }[] | null;
  /** 0-based index of the line among all lines fed. */
  line: number;
  /** The line's console timestamp, when the host prints them. */
  time: string | null;
  /** Seen in a `w` ring replay, i.e. printed earlier than where it appears. */
  replayed: boolean;
  /** A panic's message lines; the count of suppressed messages. */
  detail: { lines?: string[]; count?: number };
}

// x86 (arch/x86/traps.c) and Arm's `CPU%d: Unexpected Trap: %s` (arch/arm/traps.c do_unexpected_trap).
const TRAP_PANIC =
  /^(FATAL TRAP|FATAL PAGE FAULT|GENERAL PROTECTION FAULT|DOUBLE FAULT|CONTROL-FLOW PROTECTION FAULT|FATAL RESERVED TRAP|CPU\d+: Unexpected Trap: )/;
const STARS = /^\*{30,}\s*$/;
/** A trace belongs to the panic that follows it if it ended this few lines before (NMI dumps, walks). */
const TRACE_REACH = 120;
/** A trap line and the panic box that repeats its words: the state dump and stack between them. */
const SAID_REACH = 250;

/** Where a rule matched: the line's index, console time, replay flag and text. */
interface At {
  index: number;
  time: string | null;
  replay: boolean;
  text: string;
}

type OnEvent = (s: EventScanner, m: RegExpExecArray, at: At) => void;

/** What a hypervisor line can say, in the order tried; filed by first character (first-char.ts). */
const RULES = new FirstCharRules<OnEvent>([
  [/^Panic on CPU (\d+):/, (s, m, at) => s.startPanic(at, Number(m[1]))],
  [/^CPU:\s+(\d+)\s*$/, (s, m) => s.cpuLine(Number(m[1]))],
  // A mail's hard wrap can end the line right after `failed at` (or inside the expression).
  [
    /^Assertion '.*' failed(?: at\b|, line )|^Assertion '[^']*$/,
    (s, _m, at) => s.await(s.event(at, 'assertion'), at.index),
  ],
  // `Xen BUG at` is BUG_ON, the always-on assertion: Xen prints it, the execution state, then panics with
  // the same text (common/bug.c, x86 traps.c before 4.18). Its own line is the event, so a BUG whose
  // panic box was cut off (a quote, a log that ends, a frozen host) still says Xen died.
  [/^Xen BUG at \S/, (s, _m, at) => s.await(s.event(at, 'assertion'), at.index)],
  // Arm prints the trap, its state, then panics with the same words (arch/arm/traps.c
  // do_unexpected_trap): the line is the fatal trap, so one whose panic box was cut off still counts.
  [
    /^CPU(\d+): Unexpected Trap: /,
    (s, m, at) => s.await(s.event(at, 'fatal-trap', { cpu: Number(m[1]) }), at.index),
  ],
  [
    /^Watchdog timer detects that CPU(\d+) is stuck/,
    (s, m, at) => s.await(s.event(at, 'watchdog', { cpu: Number(m[1]) }), at.index),
  ],
  [
    /^(Watchdog timer fired for domain \d+|Watchdog timer \d+ fired for d\d+)/,
    (s, _m, at) => void s.event(at, 'watchdog'),
  ],
  [
    /^(Hardware Dom0|Domain 0) shutdown: watchdog rebooting machine/,
    (s, _m, at) => void s.event(at, 'watchdog'),
  ],
  [/^(Hardware Dom0|Domain 0) crashed:/, (s, _m, at) => void s.event(at, 'dom0-crash')],
  [
    /^Domain 0 (?:\(vcpu#\d+\) crashed|reported crashed by domain \d+) on cpu#(\d+):/,
    (s, m, at) => void s.event(at, 'dom0-crash', { cpu: Number(m[1]) }),
  ],
  [
    /^printk: (\d+) messages suppressed/,
    (s, m, at) => void s.event(at, 'messages-suppressed', { detail: { count: Number(m[1]) } }),
  ],
  [
    /^\*\*\* Serial input (?:to|->) (Xen|DOM(\d+))/i,
    (s, m, at) =>
      void s.event(at, 'input-switch', { target: m[2] === undefined ? 'xen' : `dom${Number(m[2])}` }),
  ],
]);

/** First characters of every rule, the stars of a panic box, `Xen call trace:`, or a message mid-line. */
function maybeEvent(t: string): boolean {
  const c = t.charCodeAt(0);
  return c === 0x58 /* X */ || RULES.candidates(t).length > 0 || t.includes('(XEN)');
}

interface Pending {
  event: XenEvent;
  at: number;
}

export class EventScanner {
  readonly events: XenEvent[] = [];
  private trace: { entries: CallTraceEntry[] } | null = null;
  private lastTrace: { entries: CallTraceEntry[]; end: number } | null = null;
  private panic: { cpu: number; at: number; lines: string[]; time: string | null; replayed: boolean } | null =
    null;
  private pending: Pending[] = [];
  private readonly seen = new Set<string>();
  private lastIndex = 0;

  push(n: NormLine, index: number, replay = false): void {
    this.lastIndex = index;
    if (n.kind !== 'xen') return;
    const t0 = n.text;
    // A line no rule could match, outside a trace or panic, costs one lookup.
    if (!this.trace && !this.panic && !maybeEvent(t0)) return;
    const t = t0.trimEnd();
    this.traceLine(t, index);
    this.line(t, n, index, replay);
  }

  private line(t: string, n: NormLine, index: number, replay: boolean): void {
    if (this.panic) {
      if (STARS.test(t) || this.panic.lines.length >= 20) this.endPanic();
      else if (t.trim() !== '') this.panic.lines.push(detach(t.trim()));
      return;
    }
    const hit = RULES.match(t);
    if (hit) hit.value(this, hit.match, { index, time: n.timestamp?.text ?? null, replay, text: t });
    // A message that starts mid-line, after another one cut short (two CPUs printing at once, a paste):
    // `(XEN) Fre(XEN) Watchdog timer detects that CPU2 is stuck!`. Its own text is read too.
    else {
      const inner = embeddedMessage(t);
      if (inner !== null)
        this.line(
          inner.text.trimEnd(),
          { ...inner, timestamp: inner.timestamp ?? n.timestamp },
          index,
          replay,
        );
    }
  }

  /** An event found on the line being read (RULES call this). */
  event(at: At, type: EventType, extra: Partial<XenEvent> = {}): XenEvent {
    return this.add({
      type,
      cpu: null,
      message: detach(at.text.trim()),
      target: null,
      callTrace: null,
      line: at.index,
      time: at.time === null ? null : detach(at.time),
      replayed: at.replay,
      detail: {},
      ...extra,
    });
  }

  startPanic(at: At, cpu: number): void {
    const time = at.time === null ? null : detach(at.time);
    this.panic = { cpu, at: at.index, lines: [], time, replayed: at.replay };
  }

  cpuLine(cpu: number): void {
    for (const p of this.pending) p.event.cpu ??= cpu;
  }

  /** A capture boundary: a trace printed by a key (`d`) must not be pinned on a later panic. */
  boundary(): void {
    this.lastTrace = null;
  }

  finish(): XenEvent[] {
    if (this.panic) this.endPanic();
    // A trace the input ends in (a quote cut after it) still belongs to the BUG or assertion above it.
    if (this.trace) this.endTrace(this.lastIndex + 1);
    return this.events;
  }

  private traceLine(t: string, index: number): void {
    if (isCallTraceHeader(t)) {
      if (this.trace) this.endTrace(index);
      this.trace = { entries: [] };
      return;
    }
    if (!this.trace) return;
    const entry = parseCallTraceLine(t);
    if (entry) this.trace.entries.push(entry);
    else if (!isFaultOnAccess(t)) this.endTrace(index);
  }

  private endTrace(index: number): void {
    if (!this.trace) return;
    const entries = this.trace.entries;
    this.trace = null;
    this.lastTrace = { entries, end: index };
    // Assertions and watchdogs print their state, and so their trace, after their own line.
    for (const p of this.pending) if (index - p.at < TRACE_REACH) p.event.callTrace ??= brief(entries);
    this.pending = [];
  }

  await(event: XenEvent, at: number): void {
    this.pending = this.pending.filter((p) => at - p.at < TRACE_REACH);
    this.pending.push({ event, at });
  }

  private endPanic(): void {
    const p = this.panic;
    if (!p) return;
    this.panic = null;
    const message = p.lines[0] ?? `Panic on CPU ${p.cpu}:`;
    const trace =
      this.lastTrace && p.at - this.lastTrace.end <= TRACE_REACH ? brief(this.lastTrace.entries) : null;
    const event = (type: EventType): XenEvent => ({
      type,
      cpu: p.cpu,
      message,
      target: null,
      callTrace: trace,
      line: p.at,
      time: p.time,
      replayed: p.replayed,
      detail: { lines: [...p.lines] },
    });
    // `Panic on CPU N:` is a panic whatever its cause; a fatal trap is also its own event, first, so
    // that the panic reads as its ending (unless its own line said it already: Arm's unexpected trap).
    if (TRAP_PANIC.test(message) && !this.saidBefore(message, p.at)) this.add(event('fatal-trap'));
    this.add(event('panic'));
  }

  /** A fatal trap with these words was its own event shortly before the panic box at `at`. */
  private saidBefore(message: string, at: number): boolean {
    const last = this.events[this.events.length - 1];
    return last?.type === 'fatal-trap' && last.message === message && at - last.line < SAID_REACH;
  }

  private add(event: XenEvent): XenEvent {
    // A ring replay repeats what was printed live: keep a replayed event only if it was not seen live.
    const key = `${event.type}|${event.time ?? ''}|${event.message}`;
    if (!event.replayed) this.seen.add(key);
    else if (this.seen.has(key)) return event;
    this.events.push(event);
    return event;
  }
}

const EMBEDDED = /\((?:XEN)\) ?(?=\S)/g;

/**
 * The message after a `(XEN)` prefix inside a line's message, with its own console stamp when it has
 * one (`…****(XEN) [   24.247302] Watchdog timer detects…`), or null (the last prefix wins).
 */
function embeddedMessage(t: string): NormLine | null {
  if (!t.includes('(XEN)')) return null;
  let last: RegExpExecArray | null = null;
  for (const m of t.matchAll(EMBEDDED)) last = m;
  if (last === null) return null;
  const n = normaliseLine(t.slice(last.index));
  if (n.kind === 'xen' && n.text.trim() !== '') return n;
  const text = t.slice(last.index + last[0].length);
  return text === '' ? null : { ...n, kind: 'xen', timestamp: null, text };
}

function brief(entries: CallTraceEntry[]): { address: string; symbol: string | null }[] {
  return entries.map((e) => ({
    address: detach(e.address),
    symbol: e.symbol === null ? null : detach(e.symbol),
  }));
}
