// `t` — display multi-cpu clock info (no header): the two skew lines. Source: xen/common/keyhandler.c
// read_clocks, the same in all versions.

import { type ParsedBase, keyValues, num } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface Skew {
  max: number | null;
  avg: number | null;
  samples: number | null;
  current: number | null;
}

export interface ClocksParsed extends ParsedBase {
  /** Nanoseconds. */
  stimeSkew: Skew | null;
  /** CPU cycles. */
  cyclesSkew: Skew | null;
}

export function parseClocks(lines: readonly string[], norms?: readonly NormLine[]): ClocksParsed {
  const out: ClocksParsed = { stimeSkew: null, cyclesSkew: null, unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    const m = n.kind === 'xen' ? /^Synced (stime|cycles) skew: (.*)$/.exec(n.text) : null;
    if (!m) {
      out.unrecognised.push(line);
      continue;
    }
    const kv = keyValues((m[2] ?? '').replace(/ns\b/g, ''));
    const skew = {
      max: num(kv['max']),
      avg: num(kv['avg']),
      samples: num(kv['samples']),
      current: num(kv['current']),
    };
    if (m[1] === 'stime') out.stimeSkew = skew;
    else out.cyclesSkew = skew;
  }
  return out;
}
