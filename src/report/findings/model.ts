// What the report says is wrong (`findings` in report.json): ranked, each with a severity, a one-line
// headline, the evidence (captures and lines) and, where it helps, the next key to press. Pure data.

/** critical: Xen or dom0 died · error: something stuck or lost · warning: worth a look · info · advice. */
export type Severity = 'critical' | 'error' | 'warning' | 'info' | 'advice';

export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 0,
  error: 1,
  warning: 2,
  info: 3,
  advice: 4,
};

export interface Evidence {
  /** Index in report.captures, or null for a line outside captures (events, dom0's kernel lines). */
  capture: number | null;
  key: string | null;
  /** 1-based: the line within the capture's text, or (capture null) within the whole input. */
  line: number | null;
  /** The line as printed (prefix and timestamp removed), or what is missing. */
  text: string;
}

/** A call-trace frame or RIP: what Xen printed and, given xen-syms, where it is in the source. */
export interface Frame {
  address: string;
  /** `%pS` as Xen printed it, e.g. `arch/x86/domain.c#idle_loop+0xc1/0x130`. */
  symbol: string | null;
  /** From xen-syms (addr2line): `func (file.c:123)`, inlined callers after ` ← `; null unresolved. */
  source: string | null;
}

export interface Finding {
  /** A stable name for the kind of finding: `xen-panic`, `d-incomplete`, `same-rip`, … */
  id: string;
  severity: Severity;
  headline: string;
  /** More sentences, one per item. */
  detail: string[];
  cpu: number | null;
  /** `d0v1`, when the finding is about one vCPU. */
  vcpu: string | null;
  rip: Frame | null;
  trace: Frame[];
  evidence: Evidence[];
  /** The key to press next (or a command to run), and why. */
  next: { key: string; why: string } | null;
}

/** One resolved address (addr2line): innermost first when inlined. */
export interface SymbolLocation {
  function: string | null;
  file: string | null;
  line: number | null;
}

/** Address (lower-case hex, no 0x) → locations, innermost (inlined) first. */
export type SymbolMap = ReadonlyMap<string, readonly SymbolLocation[]>;

export function finding(
  id: string,
  severity: Severity,
  headline: string,
  more: Partial<Omit<Finding, 'id' | 'severity' | 'headline'>> = {},
): Finding {
  return {
    id,
    severity,
    headline,
    detail: [],
    cpu: null,
    vcpu: null,
    rip: null,
    trace: [],
    evidence: [],
    next: null,
    ...more,
  };
}

/** dom0's kernel addresses named with --dom0-map (report.json's `dom0Symbols`). */
export interface Dom0Symbols {
  /** The map's file name (no directory) and what it was: a System.map or a vmlinux read with nm. */
  file: string;
  kind: 'system-map' | 'vmlinux';
  addresses: number;
  resolved: number;
  /** Address → `name+0xoff/0xsize`. */
  frames: Record<string, string>;
}
