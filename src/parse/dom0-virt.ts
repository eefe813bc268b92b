// What dom0's own Linux boot lines (foreign lines on the Xen console) say about how it runs: PV, PVH,
// HVM or PVHVM, its kernel, event-channel ABI, and a kernel panic with its call trace. Strings from
// Linux: arch/x86/kernel/cpu/hypervisor.c ("Hypervisor detected: Xen PV|Xen HVM"), arch/x86/kernel/
// paravirt.c / setup ("Booting [paravirtualized ]kernel on Xen|Xen HVM|Xen PVH"), arch/x86/xen/
// enlighten_pv.c ("Setting APIC routing to Xen PV"), drivers/xen/events/events_base.c (callback vector).

import { detach, normaliseLine, type NormLine } from './prefix.js';

export type VirtMode = 'pv' | 'pvh' | 'hvm' | 'pvhvm';

export interface Dom0Info {
  /** The mode the kernel's lines imply; null when none of them was seen. */
  mode: VirtMode | null;
  /** The lines that said so (the first of each form), without the kernel timestamp. */
  evidence: string[];
  kernel: string | null;
  /** As the kernel reports the hypervisor: "4.17.7 (preserve-AD)". */
  xenVersion: string | null;
  eventChannelAbi: 'fifo' | '2-level' | null;
  panic: { message: string; callTrace: string[]; line: number } | null;
  /** Other kernel trouble, first few of each kind: oops, soft lockup, RCU stall, hung task. */
  trouble: Dom0Trouble[];
}

export type Dom0TroubleKind = 'oops' | 'soft-lockup' | 'rcu-stall' | 'hung-task';

export interface Dom0Trouble {
  kind: Dom0TroubleKind;
  /** The line, without the kernel timestamp. */
  message: string;
  /** 0-based index of the line among all lines fed. */
  line: number;
}

/** Linux's own words (mm/fault.c, kernel/watchdog.c, kernel/rcu/tree_stall.h, kernel/hung_task.c). */
const TROUBLE: readonly [RegExp, Dom0TroubleKind][] = [
  [/^(BUG: (unable to handle|kernel NULL pointer)|Oops: |general protection fault|kernel BUG at )/, 'oops'],
  [/BUG: soft lockup - CPU#\d+ stuck/, 'soft-lockup'],
  [/^(rcu: )?INFO: rcu_\w+ (detected stalls?|self-detected stall)/, 'rcu-stall'],
  [/^INFO: task .+ blocked for more than \d+ seconds/, 'hung-task'],
];
/** A long-hung dom0 repeats these every few seconds: keep the first few of each kind. */
const TROUBLE_KEPT = 4;

type Clue = 'pv' | 'pvh' | 'pvhvm' | 'hvm-detected' | 'callback';

const CLUES: readonly [RegExp, Clue][] = [
  [/Hypervisor detected: Xen PV\b/, 'pv'],
  [/Hypervisor detected: Xen HVM\b/, 'hvm-detected'],
  [/Booting (?:paravirtualized )?kernel on Xen PVH\b/, 'pvh'],
  [/Booting (?:paravirtualized )?kernel on Xen HVM\b/, 'pvhvm'],
  [/Booting (?:paravirtualized )?kernel on Xen\s*$/, 'pv'],
  [/Setting APIC routing to Xen PV\b/, 'pv'],
  [/Xen HVM callback vector for event delivery is enabled/, 'callback'],
];
/** Any clue at all: one pass over a line that names Xen instead of one per clue. */
const ANY_CLUE = new RegExp(CLUES.map(([re]) => re.source).join('|'));
const KERNEL_STAMP = /^(?:.*?kernel: )?\[\s*\d+\.\d+\]\s?/;
const BARE_STAMP = /^\[\s*\d+\.\d+\]\s?/;
/**
 * Words every rule below needs (a clue names Xen, each first-character rule starts with one of them):
 * a line with none of them, outside a call trace, says nothing here — one search instead of a dozen.
 */
const WORDS =
  /Xen|xen:events|Kernel panic|BUG|INFO: |kernel: |Linux version|Call Trace:|Oops: |general protection fault/;

export class Dom0Scanner {
  private readonly clues = new Set<Clue>();
  private readonly said = new Set<RegExp>();
  private readonly info: Dom0Info = {
    mode: null,
    evidence: [],
    kernel: null,
    xenVersion: null,
    eventChannelAbi: null,
    panic: null,
    trouble: [],
  };
  private trace: string[] | null = null;
  private lastTrace: { entries: string[]; end: number } | null = null;
  private panicTraceOpen = false;

  push(n: NormLine, index: number): void {
    if (n.kind !== 'foreign') return;
    const raw = n.text;
    if (this.trace === null && !WORDS.test(raw)) return;
    // The stamp regex walks the whole line looking for "kernel: ": only when the line has one.
    const text = raw.includes('kernel: ')
      ? raw.replace(KERNEL_STAMP, '')
      : raw.charCodeAt(0) === 0x5b
        ? raw.replace(BARE_STAMP, '')
        : raw;
    this.read(text, index);
  }

  /** A line's text without its kernel stamp. */
  private read(text: string, index: number): void {
    const i = this.info;
    // Every clue names Xen: one search rules them all out for most lines.
    if (this.said.size < CLUES.length && text.includes('Xen') && ANY_CLUE.test(text)) {
      for (const [re, clue] of CLUES) {
        if (!this.said.has(re) && re.test(text)) {
          this.said.add(re);
          this.clues.add(clue);
          i.evidence.push(detach(text.trim()));
        }
      }
    }
    let m: RegExpExecArray | null;
    const c = text.charCodeAt(0);
    if (c === 0x4c /* L */ && (m = /^Linux version (\S+)/.exec(text))) i.kernel ??= detach(m[1] ?? '');
    else if (c === 0x58 /* X */ && (m = /^Xen version:? (\d.*?)\s*$/.exec(text)))
      i.xenVersion ??= detach(m[1] ?? '');
    else if (text.includes('xen:events') && (m = /xen:events: Using (FIFO-based|2-level) ABI/.exec(text)))
      i.eventChannelAbi ??= m[1] === '2-level' ? '2-level' : 'fifo';
    else if (text.includes('Kernel panic') && (m = /Kernel panic - not syncing: ?(.*)$/.exec(text))) {
      i.panic ??= { message: detach((m[1] ?? '').trim()), callTrace: [], line: index };
      if (i.panic.line === index) {
        this.panicTraceOpen = true;
        if (this.lastTrace && index - this.lastTrace.end < 40) i.panic.callTrace = this.lastTrace.entries;
      }
    }
    if (this.trace || c === 0x43 /* C */) this.traceLine(text, index);
    if (text.includes('BUG') || text.includes('INFO: ') || c === 0x4f /* O */ || c === 0x67 /* g */)
      this.troubleLine(text, index);
  }

  private troubleLine(text: string, index: number): void {
    for (const [re, kind] of TROUBLE) {
      if (!re.test(text)) continue;
      if (this.info.trouble.filter((t) => t.kind === kind).length < TROUBLE_KEPT)
        this.info.trouble.push({ kind, message: detach(text.trim()), line: index });
      return;
    }
  }

  private traceLine(text: string, index: number): void {
    if (/^Call Trace:/.test(text)) {
      this.trace = [];
      return;
    }
    if (!this.trace) return;
    if (/^\s*<\/?(TASK|IRQ|NMI|EOI)>/.test(text)) return;
    const f = /^\s*(\? )?([\w.$]+)\+0x[0-9a-f]+\/0x[0-9a-f]+/.exec(text);
    if (f) {
      this.trace.push(detach(`${f[1] ?? ''}${f[2] ?? ''}`));
      return;
    }
    const entries = this.trace;
    this.trace = null;
    this.lastTrace = { entries, end: index };
    if (this.panicTraceOpen && this.info.panic && this.info.panic.callTrace.length === 0) {
      this.info.panic.callTrace = entries;
    }
    this.panicTraceOpen = false;
  }

  result(): Dom0Info {
    const i: Dom0Info = structuredClone(this.info);
    if (this.trace && i.panic && i.panic.callTrace.length === 0 && this.panicTraceOpen)
      i.panic.callTrace = this.trace;
    const c = this.clues;
    // PVH kernels also say "Hypervisor detected: Xen HVM" and use the callback vector: PVH wins.
    if (c.has('pvh')) i.mode = 'pvh';
    else if (c.has('pv')) i.mode = 'pv';
    else if (c.has('pvhvm') || (c.has('hvm-detected') && c.has('callback'))) i.mode = 'pvhvm';
    else if (c.has('hvm-detected')) i.mode = 'hvm';
    return i;
  }
}

export function parseDom0Virt(lines: Iterable<string>): Dom0Info {
  const scanner = new Dom0Scanner();
  let index = 0;
  for (const line of lines) scanner.push(normaliseLine(line), index++);
  return scanner.result();
}
