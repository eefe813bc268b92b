// An execution-state block, as `d`, `0`, fatal traps and assertions print it: banner, CPU, RIP/PC,
// RFLAGS + CONTEXT, register rows, code bytes, stack words and the call trace. Sources:
// xen/arch/x86/traps.c (show_registers, _show_registers, show_stack, show_trace; before 4.21 the register
// part is in arch/x86/x86_64/traps.c) and xen/arch/arm/traps.c (show_registers_64/32, show_stack).

import { type CallTraceEntry, isCallTraceHeader, isFaultOnAccess, parseCallTraceLine } from './call-trace.js';

export interface ExecBanner {
  version: string;
  arch: string;
  /** `debug=n`, `debug=y gcov=y`, … as printed. */
  buildInfo: string;
  taint: string;
}

export interface ExecState {
  banner: ExecBanner | null;
  cpu: number | null;
  cs: string | null;
  /** RIP (x86) or PC (Arm), lower-case hex. */
  rip: string | null;
  /** `%pS` of the RIP; only printed in hypervisor context. */
  symbol: string | null;
  rflags: string | null;
  em: number | null;
  /** `hypervisor`, `pv guest`, `hvm guest` (x86); null on Arm, which prints no context. */
  context: string | null;
  /** The vCPU the context names, `d0v1` (4.6+). */
  vcpu: string | null;
  registers: Record<string, string>;
  /** Arm `MODE:` from the CPSR line. */
  mode: string | null;
  codeAround: { address: string; symbol: string | null; bytes: string | null } | null;
  stack: { kind: 'xen' | 'guest'; from: string; words: string[]; empty: boolean } | null;
  callTrace: CallTraceEntry[];
  faultOnAccess: boolean;
  pagetableWalk: string[];
}

const BANNER = /^----\[ Xen-(\S+)\s+(\S+)\s+(.*?)\s+(Not tainted|Tainted:.*?)\s*\]----$/;
const RIP = /^RIP:\s+([0-9a-f]{4}):\[<([0-9a-f]+)>\]\s*(.*)$/i;
const PC = /^PC:\s+([0-9a-f]{8,16})(?:\s+(.+))?$/i;
const RFLAGS = /^RFLAGS:\s+([0-9a-f]+)\s+(?:EM:\s*(\d+)\s+)?CONTEXT:\s*(.*?)\s*(?:\((\S+)\))?\s*$/i;
const CPSR = /^CPSR:\s+([0-9a-f]+)\s+MODE:\s*(.*)$/i;
const REG_ROW = /^\s*(?:[A-Za-z][\w]*:\s*[0-9a-fA-F]+\s*)+$/;
const CODE_AROUND = /^Xen code around <([0-9a-f]+)>\s*(?:\((.*?)\))?(?:\s*\[fault on access\])?:\s*$/i;
const CODE_BYTES = /^\s*(?:(?:[0-9a-f]{2}|--|<[0-9a-f]{2}>|<-->)\s*)+$/i;
const STACK = /^(Xen|Guest) stack trace from (?:\S+ ?= ?)?([0-9a-f]{1,16}(?::[0-9a-f]+)?)/i;
const STACK_WORDS = /^\s+(?:[0-9a-f]{8,16}\s*)+$/i;
const CPU = /^CPU:\s+(\d+)\s*$/;
// First characters, for the gates in accept(); letters compared lower-cased (c | LOWER).
const LOWER = 0x20;
const DASH = 0x2d;
const UPPER_C = 0x43;
const UPPER_L = 0x4c;
const [A, G, P, R, X, Z] = [...'agprxz'].map((ch) => ch.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
  number,
];

export function emptyExecState(): ExecState {
  return {
    banner: null,
    cpu: null,
    cs: null,
    rip: null,
    symbol: null,
    rflags: null,
    em: null,
    context: null,
    vcpu: null,
    registers: {},
    mode: null,
    codeAround: null,
    stack: null,
    callTrace: [],
    faultOnAccess: false,
    pagetableWalk: [],
  };
}

/** Feed a block's message texts one by one; `accept` says whether a line was understood. */
export class ExecStateReader {
  readonly state = emptyExecState();
  private part: 'regs' | 'code' | 'stack' | 'trace' | 'walk' = 'regs';

  accept(text: string): boolean {
    const s = this.state;
    if (text.trim() === '') return true;
    // Each pattern is tried only when the line starts the way it must (c): most lines are register
    // rows, stack words and trace entries, and a dump has many of them.
    const c = text.charCodeAt(0);
    const banner = c === DASH ? BANNER.exec(text) : null;
    if (banner) {
      s.banner = {
        version: banner[1] ?? '',
        arch: banner[2] ?? '',
        buildInfo: (banner[3] ?? '').replace(/\s+/g, ' ').trim(),
        taint: (banner[4] ?? '').trim(),
      };
      return true;
    }
    const cpu = c === UPPER_C ? CPU.exec(text) : null;
    if (cpu) return ((s.cpu = Number(cpu[1])), true);
    if (this.part === 'trace') {
      if (isFaultOnAccess(text)) return ((s.faultOnAccess = true), true);
      const entry = parseCallTraceLine(text);
      if (entry) return (s.callTrace.push(entry), true);
    }
    if (this.part === 'stack' && s.stack) {
      if (STACK_WORDS.test(text)) return (s.stack.words.push(...text.trim().split(/\s+/)), true);
      if (/^\s*Stack empty\.?\s*$/.test(text)) return ((s.stack.empty = true), true);
    }
    if (this.part === 'code' && s.codeAround && s.codeAround.bytes === null && CODE_BYTES.test(text)) {
      s.codeAround.bytes = text.trim();
      return true;
    }
    return this.acceptHeading(text, c);
  }

  /** `c`: the line's first character. */
  private acceptHeading(text: string, c: number): boolean {
    const s = this.state;
    // Letters lower-cased (some patterns ignore case); `space`: anything `\s` may match, and more.
    const l = c | LOWER;
    const space = c <= 0x20 || c === 0xa0 || c >= 0x1680;
    if (l === X && isCallTraceHeader(text)) return ((this.part = 'trace'), true);
    const stack = l === X || l === G ? STACK.exec(text) : null;
    if (stack) {
      this.part = 'stack';
      const kind = stack[1]?.toLowerCase() === 'xen' ? 'xen' : 'guest';
      s.stack = { kind, from: (stack[2] ?? '').toLowerCase(), words: [], empty: false };
      // Arm and 4.4 put the first words on the heading's line after ":\n  " — already split by \n.
      return true;
    }
    const code = l === X ? CODE_AROUND.exec(text) : null;
    if (code) {
      this.part = 'code';
      s.codeAround = { address: (code[1] ?? '').toLowerCase(), symbol: code[2] ?? null, bytes: null };
      return true;
    }
    if (
      (l === P && /^Pagetable walk from [0-9a-f]+:/.test(text)) ||
      (this.part === 'walk' && /^\s+L[1-4]\[/.test(text))
    ) {
      this.part = 'walk';
      s.pagetableWalk.push(text.trim());
      return true;
    }
    const rip = l === R ? RIP.exec(text) : null;
    if (rip) {
      s.cs = (rip[1] ?? '').toLowerCase();
      s.rip = (rip[2] ?? '').toLowerCase();
      s.symbol = rip[3]?.trim() || null;
      return true;
    }
    const pc = l === P ? PC.exec(text) : null;
    if (pc) {
      s.rip = (pc[1] ?? '').toLowerCase();
      s.symbol = pc[2]?.trim() || null;
      return true;
    }
    const flags = l === R ? RFLAGS.exec(text) : null;
    if (flags) {
      s.rflags = (flags[1] ?? '').toLowerCase();
      s.em = flags[2] === undefined ? null : Number(flags[2]);
      s.context = flags[3]?.trim() || null;
      s.vcpu = flags[4] ?? null;
      return true;
    }
    const cpsr = l === UPPER_C + LOWER ? CPSR.exec(text) : null;
    if (cpsr) {
      s.registers['CPSR'] = (cpsr[1] ?? '').toLowerCase();
      s.mode = cpsr[2]?.trim() || null;
      return true;
    }
    if ((l === UPPER_L + LOWER && /^ler: /.test(text)) || (space && /^\s+to [0-9a-f]{16}/.test(text)))
      return true;
    if ((space || (l >= A && l <= Z)) && REG_ROW.test(text)) {
      const re = /([A-Za-z][\w]*):\s*([0-9a-fA-F]+)/g;
      for (let m = re.exec(text); m !== null; m = re.exec(text))
        s.registers[m[1] ?? ''] = (m[2] ?? '').toLowerCase();
      return true;
    }
    return false;
  }
}

/** Parse one block from its message texts; lines it does not understand are returned. */
export function parseExecState(texts: readonly string[]): { state: ExecState; unrecognised: string[] } {
  const reader = new ExecStateReader();
  const unrecognised: string[] = [];
  for (const t of texts) if (!reader.accept(t)) unrecognised.push(t);
  return { state: reader.state, unrecognised };
}
