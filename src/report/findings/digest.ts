// What the findings need from the captures, kept small as each capture goes by: a 200 MB log streams
// its captures out and forgets them, so the findings cannot read report.captures at the end. The first
// and last `d` and `r` dumps, the last `q` and `w`, and the captures that were cut short. Plain data (it
// crosses from the report worker thread back to the reader).

import { placements, type StayedVcpu } from '../diff.js';
import type { ParsedByKey, ReportCapture } from '../model.js';
import { isIdleVcpu, sectionsOf } from '../view-model.js';

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
}

/** Captures cut short beyond this many are counted, not listed. */
const CUT_KEPT = 20;
/** Frames kept per CPU: enough to see where it spins. */
const FRAMES_KEPT = 24;
/** Guest stack words kept per CPU. */
const WORDS_KEPT = 32;

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
  };
}

/** Distinct addresses kept for symbolising: a Xen has a few thousand functions. */
const ADDRESSES_KEPT = 8192;

/** The addresses already noted, per digest (a Set rebuilt per dump cost a 200 MiB log 8192 copies each). */
const NOTED = new WeakMap<FindingsDigest, Set<string>>();

function noteAddresses(g: FindingsDigest, d: DDigest): void {
  let seen = NOTED.get(g);
  if (!seen) NOTED.set(g, (seen = new Set(g.xenAddresses)));
  for (const c of d.cpus)
    for (const f of [{ address: c.rip ?? '', symbol: c.symbol }, ...c.trace])
      if (f.symbol !== null && f.address !== '' && !seen.has(f.address) && seen.size < ADDRESSES_KEPT) {
        seen.add(f.address);
        g.xenAddresses.push(f.address);
      }
}

let enabled = true;

/** Benchmarks only (`XENKEYS_NO_FINDINGS=1`): reports without findings, to measure what they cost. */
export function setFindingsEnabled(on: boolean): void {
  enabled = on;
}

export function findingsEnabled(): boolean {
  return enabled;
}

/** Feeds one capture (parsed, in report order) into the digest. */
export function digestCapture(g: FindingsDigest, capture: ReportCapture, index: number): void {
  if (!enabled) return;
  g.captures = Math.max(g.captures, index + 1);
  if (!g.keys.includes(capture.key)) g.keys.push(capture.key);
  // A `*` part repeated as a capture was cut, if at all, with its `*`: counted there.
  const cut = !capture.complete && capture.found !== 'star-part';
  if (cut) {
    g.cutCount++;
    if (g.cut.length < CUT_KEPT)
      g.cut.push({
        capture: index,
        key: capture.key,
        found: capture.found,
        endReason: capture.endReason,
        lines: capture.lines,
        lastLine: lastLine(capture.text),
      });
  }
  let lines: string[] | null = null;
  const textLines = (): string[] => (lines ??= capture.text.split('\n'));
  for (const s of sectionsOf(capture, index)) {
    if (s.parsed === null || (s.key === '*' && s.partOf === null)) continue;
    const at: DumpAt = { capture: index, partOf: s.partOf, start: s.start, complete: capture.complete };
    if (s.key === 'd') {
      const d = dDigest(at, s.parsed as ParsedByKey['d'], textLines());
      g.d.first ??= d;
      g.d.last = d;
      g.d.count++;
      noteAddresses(g, d);
    } else if (s.key === 'r') {
      const r = s.parsed as ParsedByKey['r'];
      const digest: RDigest = {
        ...at,
        now: r.now,
        onlineCpus: r.onlineCpus,
        placements: [...placements(r).values()],
        idleCpus: r.cpus.filter((c) => isIdleVcpu(c.current)).map((c) => c.cpu),
        lastCpu: lastCpus(r),
      };
      g.r.first ??= digest;
      g.r.last = digest;
      g.r.count++;
    } else if (s.key === 'q') g.q = { ...at, domains: (s.parsed as ParsedByKey['q']).domains };
    else if (s.key === 'w') g.w = wDigest(at, s.parsed as ParsedByKey['w'], textLines());
    else if (s.key === '0') g.zero = zeroDigest(at, s.parsed as ParsedByKey['0'], textLines());
  }
}

function lastCpus(r: ParsedByKey['r']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const unit of [...r.runqueues.flatMap((q) => q.queue), ...r.cpus.flatMap((c) => c.queue)]) {
    const cpu = Number(unit.fields['cpu']);
    if (Number.isInteger(cpu) && !(unit.vcpu in out)) out[unit.vcpu] = cpu;
  }
  return out;
}

function dDigest(at: DumpAt, d: ParsedByKey['d'], lines: string[]): DDigest {
  // One pass for every CPU's first header line (a report of every prefix of a log runs this often).
  const headers = new Map<number, number>();
  lines.forEach((l, i) => {
    if (!l.includes('*** Dumping CPU')) return;
    const m = /\*\*\* Dumping CPU(\d+) (?:host|guest) state/.exec(l);
    if (m && !headers.has(Number(m[1]))) headers.set(Number(m[1]), i);
  });
  const cpus = d.cpus.map((c): CpuDigest => {
    const found = headers.get(c.cpu) ?? -1;
    return {
      cpu: c.cpu,
      rip: c.rip,
      symbol: c.symbol,
      context: c.context,
      vcpu: c.vcpu ?? c.host?.vcpu ?? null,
      trace: c.callTrace.slice(0, FRAMES_KEPT).map((f) => ({ address: f.address, symbol: f.symbol })),
      line: found < 0 ? null : found + 1,
      guestRip: c.guest?.rip ?? null,
      guestContext: c.guest?.context ?? null,
      guestWords: kernelWords(c.guest?.stack?.words ?? []),
    };
  });
  return { ...at, cpus, lastLine: lastOf(lines) };
}

/** x86-64 Linux's kernel text mapping (0xffffffff80000000 up): the words worth a symbol lookup. */
function kernelWords(words: readonly string[]): string[] {
  return [...new Set(words.filter((w) => /^ffffffff[89a-f][0-9a-f]{7}$/i.test(w)))].slice(0, WORDS_KEPT);
}

function zeroDigest(at: DumpAt, z: ParsedByKey['0'], lines: string[]): ZeroDigest {
  const headers = new Map<string, number>();
  lines.forEach((l, i) => {
    const m = /\*\*\* Dumping Dom(\d+) vcpu#(\d+) state/.exec(l);
    if (m && !headers.has(`d${m[1]}v${m[2]}`)) headers.set(`d${m[1]}v${m[2]}`, i + 1);
  });
  return {
    ...at,
    vcpus: z.vcpus
      .filter((v) => !v.offline)
      .map((v) => ({
        vcpu: `d${v.domain}v${v.vcpu}`,
        rip: v.rip,
        context: v.context,
        words: kernelWords(v.state?.stack?.words ?? []),
        line: headers.get(`d${v.domain}v${v.vcpu}`) ?? null,
      })),
  };
}

function wDigest(at: DumpAt, w: ParsedByKey['w'], lines: string[]): WDigest {
  const header = lines.findIndex((l) => /'w' pressed -> /.test(l));
  const first = header >= 0 && header + 1 < lines.length ? header + 1 : -1;
  return {
    ...at,
    complete: w.complete,
    replayLines: w.replayLines,
    startsMidLine: w.startsMidLine,
    failure: w.failure,
    firstTimestamp: w.firstTimestamp,
    firstLine: first < 0 ? null : { line: first + 1, text: lines[first] ?? '' },
  };
}

function lastLine(text: string): { line: number; text: string } | null {
  return lastOf(text.split('\n'));
}

function lastOf(lines: readonly string[]): { line: number; text: string } | null {
  for (let i = lines.length - 1; i >= 0; i--)
    if ((lines[i] ?? '').trim() !== '') return { line: i + 1, text: lines[i] ?? '' };
  return null;
}
