// One call-trace line, every version's form: `[<%p>] %pS` (x86 4.4–4.12), `[<%p>] R|S|F %pS` (x86 4.13+:
// RIP, stack scan, frame pointer), `[<%p>] %pS (PC)` / `(LR)` (Arm), and `[Fault on access]` (4.13+).
// Sources: xen/arch/x86/traps.c show_trace / _show_trace, xen/arch/arm/traps.c show_trace.

export type FrameKind = 'R' | 'S' | 'F' | 'PC' | 'LR';

export interface CallTraceEntry {
  address: string;
  /** `%pS` as printed: `file.c#func+0xc6/0xf0`, `func+0x57/0x60`, possibly with ` [payload]`. */
  symbol: string | null;
  frame: FrameKind | null;
  function: string | null;
  /** The source file for static functions (`arch/x86/domain.c#default_idle`). */
  file: string | null;
  offset: number | null;
  size: number | null;
}

const ENTRY = /^\s*\[<([0-9a-fA-F]{4,16})>\]\s*(?:([RSF])\s+)?(.*?)\s*(?:\((PC|LR)\))?\s*$/;
// `%#lx` prints a zero offset as a bare `0` (`idle_loop+0/0x130`).
const SYMBOL = /^(?:(.+)#)?([^\s+#]+)\+(?:0x)?([0-9a-f]+)\/(?:0x)?([0-9a-f]+)/i;

export function parseCallTraceLine(text: string): CallTraceEntry | null {
  const m = ENTRY.exec(text);
  if (!m) return null;
  const symbol = (m[3] ?? '').trim();
  const frame = (m[4] ?? m[2] ?? null) as FrameKind | null;
  const entry: CallTraceEntry = {
    address: (m[1] ?? '').toLowerCase(),
    symbol: symbol === '' ? null : symbol,
    frame,
    function: null,
    file: null,
    offset: null,
    size: null,
  };
  const s = SYMBOL.exec(symbol);
  if (s) {
    entry.function = s[2] ?? null;
    entry.file = s[1] ?? null;
    entry.offset = parseInt(s[3] ?? '0', 16);
    entry.size = parseInt(s[4] ?? '0', 16);
  } else if (symbol !== '' && !/^0x[0-9a-f]+$/i.test(symbol) && !/\s/.test(symbol)) {
    entry.function = symbol;
  }
  return entry;
}

/** `Xen call trace:` (also the `Call Trace:` of a dom0 Linux oops is not this: see dom0-virt.ts). */
export function isCallTraceHeader(text: string): boolean {
  return /^Xen call trace:\s*$/.test(text);
}

export function isFaultOnAccess(text: string): boolean {
  return /^\s*\[Fault on access\]\s*$/.test(text);
}
