// What the findings need from the captures, kept small (digest-fold.ts makes it as each capture goes
// by): a 200 MB log streams its captures out and forgets them, so the findings cannot read
// report.captures at the end. The first and last `d` and `r` dumps, the last `q`, `w` and `0`, and the
// captures that were cut short. Plain data (it crosses from the report worker thread back to the reader).

import type { StayedVcpu } from '../diff.js';
import type { ParsedByKey, ReportCapture } from '../model.js';

/** A dump's place: the capture's index, and `*` when it is a part of a `*` capture. */
export interface DumpAt {
  capture: number;
  partOf: '*' | null;
  start: number | null;
  complete: boolean;
}

/** The key as evidence names it: `q`, or `* q` for the `q` part of a `*` capture. */
export function partKey(at: Pick<DumpAt, 'partOf'>, key: string): string {
  return at.partOf ? `${at.partOf} ${key}` : key;
}

export interface CpuDigest {
  cpu: number;
  rip: string | null;
  symbol: string | null;
  context: string | null;
  /** The vCPU the CPU was running (guest state, or the hypervisor context's `(d0v1)`). */
  vcpu: string | null;
  trace: { address: string; symbol: string | null }[];
  /** 1-based line of its `*** Dumping CPU…` header within the capture's text; null if not found. */
  line: number | null;
  /** The guest state's RIP and context, when the CPU dumped one (after its host state, or alone). */
  guestRip: string | null;
  guestContext: string | null;
  /** Guest stack words that look like Linux kernel text, for naming with a dom0 map; bounded. */
  guestWords: string[];
}

export interface DDigest extends DumpAt {
  cpus: CpuDigest[];
  /** The last line of the capture (what the dump ended on), 1-based, and its text. */
  lastLine: { line: number; text: string } | null;
}

export interface RDigest extends DumpAt {
  now: number | null;
  onlineCpus: number[] | null;
  placements: StayedVcpu[];
  /** CPUs whose current vCPU was the idle one (the CPU running the key's handler shows so). */
  idleCpus: number[];
  /** For queued vCPUs, the pCPU their unit last ran on (the scheduler's `cpu=` field). */
  lastCpu: Record<string, number>;
}

export interface QDigest extends DumpAt {
  domains: ParsedByKey['q']['domains'];
}

export interface WDigest extends DumpAt {
  replayLines: number;
  startsMidLine: boolean;
  failure: string | null;
  firstTimestamp: string | null;
  /** 1-based line of the first replayed line within the capture. */
  firstLine: { line: number; text: string } | null;
}

/** The last `0` dump: dom0's vCPUs as the guest sees them (its kernel's RIP and stack). */
export interface ZeroDigest extends DumpAt {
  vcpus: { vcpu: string; rip: string | null; context: string | null; words: string[]; line: number | null }[];
}

export interface CutCapture {
  capture: number;
  key: string;
  found: ReportCapture['found'];
  endReason: string | null;
  lines: number;
  lastLine: { line: number; text: string } | null;
}

export interface FindingsDigest {
  captures: number;
  keys: string[];
  d: { first: DDigest | null; last: DDigest | null; count: number };
  r: { first: RDigest | null; last: RDigest | null; count: number };
  q: QDigest | null;
  w: WDigest | null;
  zero: ZeroDigest | null;
  cut: CutCapture[];
  cutCount: number;
  /** Every Xen address the `d` dumps printed (RIPs and call traces), for symbolising; bounded. */
  xenAddresses: string[];
  /** Those looked up as printed (a CPU's RIP, a function's first byte); the others are return addresses. */
  xenExact: string[];
}

export function emptyDigest(): FindingsDigest {
  return {
    captures: 0,
    keys: [],
    d: { first: null, last: null, count: 0 },
    r: { first: null, last: null, count: 0 },
    q: null,
    w: null,
    zero: null,
    cut: [],
    cutCount: 0,
    xenAddresses: [],
    xenExact: [],
  };
}
