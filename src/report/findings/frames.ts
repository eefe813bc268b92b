// Frames: what Xen printed for an address, and — given a symbol map from xen-syms — where that is in
// the source. Also the names that mean "spinning on a lock" and "waiting for other CPUs".

import type { Finding, Frame, SymbolLocation, SymbolMap } from './model.js';

export function frame(address: string, symbol: string | null): Frame {
  return { address: address.toLowerCase().replace(/^0x/, ''), symbol, source: null };
}

/** `func+0x1f/0x40` or the bare address: how a frame reads in a headline. */
export function frameText(f: Frame): string {
  return f.symbol ?? `0x${f.address}`;
}

/** The frame as one line of a trace: address, Xen's symbol, and the source when resolved. */
export function frameLine(f: Frame): string {
  return `[<${f.address}>] ${frameText(f)}${f.source ? `  at ${f.source}` : ''}`;
}

/** Xen's own lock and wait primitives (common/spinlock.c, rwlock, smp_call_function, stop_machine). */
const SPIN =
  /(?:^|#)(?:_?_?spin_lock\w*|_?_?raw_spin_lock\w*|_spin_lock\w*|spin_barrier|_?read_lock\w*|_?write_lock\w*|queue_(?:read|write)_lock_slowpath|rspin_lock|_?percpu_(?:read|write)_lock\w*|cpu_relax|on_selected_cpus|smp_call_function\w*|stopmachine_\w+|stop_machine_run|rcu_barrier\w*|_cpu_down|cpu_down|flush_area_mask|send_IPI_mask\w*)\b/;

/**
 * The CPU that took the debug key dumps itself first, caught in the softirq that runs the handler
 * (lab-facts: `do_softirq+0/0x10` in every 4.17 `d`): its RIP says where the key ran, not where it was.
 */
export function ranTheKey(
  d: { cpus: readonly { cpu: number }[] },
  c: { cpu: number; symbol: string | null },
): boolean {
  return d.cpus[0]?.cpu === c.cpu && c.symbol !== null && /(?:^|#)do_softirq\+0\//.test(c.symbol);
}

/** The first frame of a trace (or the RIP) that is a lock or an all-CPUs wait, if any. */
export function spinningAt(frames: readonly Frame[]): Frame | null {
  for (const f of frames.slice(0, 6)) if (f.symbol !== null && SPIN.test(f.symbol)) return f;
  return null;
}

/** Every address a finding names (RIP first), for one batched symbol lookup. */
export function addressesOf(findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const f of findings) {
    if (f.rip && isXenFrame(f.rip)) out.add(f.rip.address);
    for (const t of f.trace) if (isXenFrame(t)) out.add(t.address);
  }
  return [...out];
}

/** x86-64 Xen lives at 0xffff82d0…; elsewhere a frame Xen named with `%pS` is its own. Not a guest's. */
export function isXenFrame(f: Frame): boolean {
  return /^ffff82d0[0-9a-f]{8}$/.test(f.address) || f.symbol !== null;
}

/** The findings with each resolved frame's `source` filled in (a copy; the input is left alone). */
export function withSymbols(findings: readonly Finding[], map: SymbolMap): Finding[] {
  const resolve = (f: Frame): Frame => {
    const locations = map.get(f.address);
    return locations && locations.length > 0 ? { ...f, source: sourceText(locations) } : f;
  };
  return findings.map((f) => ({
    ...f,
    rip: f.rip ? resolve(f.rip) : null,
    trace: f.trace.map(resolve),
  }));
}

/** `func (file.c:123)`, inlined frames innermost first, joined by ` ← ` (called from). */
export function sourceText(locations: readonly SymbolLocation[]): string {
  return locations
    .map((l) => {
      const where = l.file === null ? null : `${l.file}${l.line === null ? '' : `:${l.line}`}`;
      return [l.function, where === null ? null : l.function ? `(${where})` : where]
        .filter((x) => x !== null)
        .join(' ');
    })
    .filter((x) => x !== '')
    .join(' ← ');
}
