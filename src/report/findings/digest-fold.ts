// The findings' digest, folded as each capture goes by (digest.ts says what it holds). Per capture it
// only keeps a reference to the dumps that may end up first or last of their key and collects the Xen
// addresses; the dumps' digests (line numbers, frames, placements) are made once, at the end, for the
// few that are kept: a 200 MiB log has a thousand `d` dumps and the findings read two.

import { placements } from '../diff.js';
import type { ParsedByKey, ReportCapture } from '../model.js';
import { isIdleVcpu, sectionsOf } from '../view-model.js';
import {
  type CpuDigest,
  type CutCapture,
  type DDigest,
  type DumpAt,
  type FindingsDigest,
  type RDigest,
  type WDigest,
  type ZeroDigest,
  emptyDigest,
} from './digest.js';
import { isExactFrame, lookupAddress } from './symbols.js';

/** Captures cut short beyond this many are counted, not listed. */
const CUT_KEPT = 20;
/** Frames kept per CPU: enough to see where it spins. */
const FRAMES_KEPT = 24;
/** Guest stack words kept per CPU. */
const WORDS_KEPT = 32;
/** Distinct addresses kept for symbolising: a Xen has a few thousand functions. */
const ADDRESSES_KEPT = 8192;

/** The keys whose output the digest reads (`*` for its parts). */
const DIGESTED = new Set(['d', 'r', 'q', 'w', '0', '*']);

/** A dump kept as it was parsed, digested only if it is still first or last at the end. */
interface Kept<P> {
  at: DumpAt;
  parsed: P;
  /** The whole capture's text (a `*` part's line numbers count in its `*`). */
  text: string;
}

export class FindingsFold {
  private captures = 0;
  private readonly keys: string[] = [];
  private readonly cut: CutCapture[] = [];
  private cutCount = 0;
  private readonly d = {
    first: null as Kept<ParsedByKey['d']> | null,
    last: null as Kept<ParsedByKey['d']> | null,
    count: 0,
  };
  private readonly r = {
    first: null as Kept<ParsedByKey['r']> | null,
    last: null as Kept<ParsedByKey['r']> | null,
    count: 0,
  };
  private q: FindingsDigest['q'] = null;
  private w: Kept<ParsedByKey['w']> | null = null;
  private zero: Kept<ParsedByKey['0']> | null = null;
  private readonly addresses: string[] = [];
  private readonly noted = new Set<string>();
  private readonly exact = new Set<string>();

  /**
   * `onAddress`: each Xen address to look up as it is first seen (a symboliser can start on them at
   * once): a RIP as printed, a return address one byte back (lookupAddress, isExactFrame).
   */
  constructor(private readonly onAddress?: (address: string) => void) {}

  /** Feeds one capture (parsed, in report order). */
  add(capture: ReportCapture, index: number): void {
    this.captures = Math.max(this.captures, index + 1);
    if (!this.keys.includes(capture.key)) this.keys.push(capture.key);
    // A `*` part repeated as a capture was cut, if at all, with its `*`: counted there.
    if (!capture.complete && capture.found !== 'star-part') {
      this.cutCount++;
      if (this.cut.length < CUT_KEPT)
        this.cut.push({
          capture: index,
          key: capture.key,
          found: capture.found,
          endReason: capture.endReason,
          lines: capture.lines,
          lastLine: lastOf(capture.text.split('\n')),
        });
    }
    if (!DIGESTED.has(capture.key)) return;
    for (const s of sectionsOf(capture, index)) {
      if (s.parsed === null || (s.key === '*' && s.partOf === null)) continue;
      const at: DumpAt = { capture: index, partOf: s.partOf, start: s.start, complete: capture.complete };
      if (s.key === 'd') {
        const kept = { at, parsed: s.parsed as ParsedByKey['d'], text: capture.text };
        this.d.first ??= kept;
        this.d.last = kept;
        this.d.count++;
        this.note(kept.parsed);
      } else if (s.key === 'r') {
        const kept = { at, parsed: s.parsed as ParsedByKey['r'], text: capture.text };
        this.r.first ??= kept;
        this.r.last = kept;
        this.r.count++;
      } else if (s.key === 'q') this.q = { ...at, domains: (s.parsed as ParsedByKey['q']).domains };
      else if (s.key === 'w') this.w = { at, parsed: s.parsed as ParsedByKey['w'], text: capture.text };
      else if (s.key === '0') this.zero = { at, parsed: s.parsed as ParsedByKey['0'], text: capture.text };
    }
  }

  /** The digest of every capture fed so far: the kept dumps digested now. */
  digest(): FindingsDigest {
    const lines = new Map<string, string[]>();
    // Dumps of one capture (a `*`'s parts) share its lines, split once.
    const linesOf = (text: string): string[] => {
      let got = lines.get(text);
      if (!got) lines.set(text, (got = text.split('\n')));
      return got;
    };
    const dFirst = this.d.first && dDigest(this.d.first, linesOf(this.d.first.text));
    const rFirst = this.r.first && rDigest(this.r.first);
    return {
      ...emptyDigest(),
      captures: this.captures,
      keys: [...this.keys],
      d: {
        first: dFirst,
        last:
          this.d.last === this.d.first
            ? dFirst
            : this.d.last && dDigest(this.d.last, linesOf(this.d.last.text)),
        count: this.d.count,
      },
      r: {
        first: rFirst,
        last: this.r.last === this.r.first ? rFirst : this.r.last && rDigest(this.r.last),
        count: this.r.count,
      },
      q: this.q,
      w: this.w && wDigest(this.w, linesOf(this.w.text)),
      zero: this.zero && zeroDigest(this.zero, linesOf(this.zero.text)),
      cut: [...this.cut],
      cutCount: this.cutCount,
      xenAddresses: [...this.addresses],
      xenExact: [...this.exact],
    };
  }

  /** The RIPs and the first frames of each CPU's trace that Xen named: addresses worth symbolising. */
  private note(d: ParsedByKey['d']): void {
    for (const c of d.cpus) {
      if (this.noted.size >= ADDRESSES_KEPT) return;
      if (c.symbol !== null) this.noteOne(c.rip ?? '', true);
      const frames = Math.min(c.callTrace.length, FRAMES_KEPT);
      for (let i = 0; i < frames; i++) {
        const f = c.callTrace[i];
        if (f && f.symbol !== null) this.noteOne(f.address, isExactFrame(f) || f.address === c.rip);
      }
    }
  }

  private noteOne(address: string, exact: boolean): void {
    if (address === '') return;
    if (exact && !this.exact.has(address) && this.exact.size < ADDRESSES_KEPT) {
      this.exact.add(address);
      this.onAddress?.(lookupAddress(address, true));
    }
    if (this.noted.has(address) || this.noted.size >= ADDRESSES_KEPT) return;
    this.noted.add(address);
    this.addresses.push(address);
    if (!exact) this.onAddress?.(lookupAddress(address, false));
  }
}

function rDigest({ at, parsed: r }: Kept<ParsedByKey['r']>): RDigest {
  return {
    ...at,
    now: r.now,
    onlineCpus: r.onlineCpus,
    placements: [...placements(r).values()],
    idleCpus: r.cpus.filter((c) => isIdleVcpu(c.current)).map((c) => c.cpu),
    lastCpu: lastCpus(r),
  };
}

function lastCpus(r: ParsedByKey['r']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const unit of [...r.runqueues.flatMap((q) => q.queue), ...r.cpus.flatMap((c) => c.queue)]) {
    const cpu = Number(unit.fields['cpu']);
    if (Number.isInteger(cpu) && !(unit.vcpu in out)) out[unit.vcpu] = cpu;
  }
  return out;
}

function dDigest({ at, parsed: d }: Kept<ParsedByKey['d']>, lines: string[]): DDigest {
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

function zeroDigest({ at, parsed: z }: Kept<ParsedByKey['0']>, lines: string[]): ZeroDigest {
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

function wDigest({ at, parsed: w }: Kept<ParsedByKey['w']>, lines: string[]): WDigest {
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

function lastOf(lines: readonly string[]): { line: number; text: string } | null {
  for (let i = lines.length - 1; i >= 0; i--)
    if ((lines[i] ?? '').trim() !== '') return { line: i + 1, text: lines[i] ?? '' };
  return null;
}
