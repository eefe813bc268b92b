// Notable hypervisor events anywhere in the input: panics (the `****` box, drivers/char/console.c panic),
// fatal traps (arch/x86/traps.c: every version's `FATAL TRAP` form, PF/GP/DF/CP), assertions (`Assertion
// '%s' failed at`, 4.4's `failed, line %d, file %s`), watchdogs (arch/x86/nmi.c, common/sched/core.c),
// dom0 crashes (common/shutdown.c), `printk: N messages suppressed` and input switches (console.c).

import { type CallTraceEntry, isCallTraceHeader, isFaultOnAccess, parseCallTraceLine } from './call-trace.js';
import type { NormLine } from './prefix.js';

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

const TRAP_PANIC =
  /^(FATAL TRAP|FATAL PAGE FAULT|GENERAL PROTECTION FAULT|DOUBLE FAULT|CONTROL-FLOW PROTECTION FAULT|FATAL RESERVED TRAP)/;
const STARS = /^\*{30,}\s*$/;
/** A trace belongs to the panic that follows it if it ended this few lines before (NMI dumps, walks). */
const TRACE_REACH = 120;

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

  push(n: NormLine, index: number, replay = false): void {
    if (n.kind !== 'xen') return;
    const t = n.text.trimEnd();
    this.traceLine(t, index);
    if (this.panic) {
      if (STARS.test(t) || this.panic.lines.length >= 20) this.endPanic();
      else if (t.trim() !== '') this.panic.lines.push(t.trim());
      return;
    }
    const time = n.timestamp?.text ?? null;
    const ev = (type: EventType, extra: Partial<XenEvent> = {}): XenEvent =>
      this.add({
        type,
        cpu: null,
        message: t.trim(),
        target: null,
        callTrace: null,
        line: index,
        time,
        replayed: replay,
        detail: {},
        ...extra,
      });
    let m: RegExpExecArray | null;
    if ((m = /^Panic on CPU (\d+):/.exec(t))) {
      this.panic = { cpu: Number(m[1]), at: index, lines: [], time, replayed: replay };
    } else if ((m = /^CPU:\s+(\d+)\s*$/.exec(t))) {
      for (const p of this.pending) p.event.cpu ??= Number(m[1]);
    } else if (/^Assertion '.*' failed(?: at |, line )/.test(t)) this.await(ev('assertion'), index);
    else if ((m = /^Watchdog timer detects that CPU(\d+) is stuck/.exec(t)))
      this.await(ev('watchdog', { cpu: Number(m[1]) }), index);
    else if (/^(Watchdog timer fired for domain \d+|Watchdog timer \d+ fired for d\d+)/.test(t))
      ev('watchdog');
    else if (/^(Hardware Dom0|Domain 0) shutdown: watchdog rebooting machine/.test(t)) ev('watchdog');
    else if (/^(Hardware Dom0|Domain 0) crashed:/.test(t)) ev('dom0-crash');
    else if (
      (m = /^Domain 0 (?:\(vcpu#\d+\) crashed|reported crashed by domain \d+) on cpu#(\d+):/.exec(t))
    ) {
      ev('dom0-crash', { cpu: Number(m[1]) });
    } else if ((m = /^printk: (\d+) messages suppressed/.exec(t)))
      ev('messages-suppressed', { detail: { count: Number(m[1]) } });
    else if ((m = /^\*\*\* Serial input (?:to|->) (Xen|DOM(\d+))/i.exec(t))) {
      ev('input-switch', { target: m[2] === undefined ? 'xen' : `dom${Number(m[2])}` });
    }
  }

  /** A capture boundary: a trace printed by a key (`d`) must not be pinned on a later panic. */
  boundary(): void {
    this.lastTrace = null;
  }

  finish(): XenEvent[] {
    if (this.panic) this.endPanic();
    if (this.trace) this.endTrace(Number.MAX_SAFE_INTEGER);
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

  private await(event: XenEvent, at: number): void {
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
    this.add({
      type: TRAP_PANIC.test(message) ? 'fatal-trap' : 'panic',
      cpu: p.cpu,
      message,
      target: null,
      callTrace: trace,
      line: p.at,
      time: p.time,
      replayed: p.replayed,
      detail: { lines: p.lines },
    });
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

function brief(entries: CallTraceEntry[]): { address: string; symbol: string | null }[] {
  return entries.map((e) => ({ address: e.address, symbol: e.symbol }));
}
