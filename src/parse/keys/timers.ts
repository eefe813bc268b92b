// `a` — dump timer queues (no header): per CPU, pending timers. Source: xen/common/timer.c dump_timerq,
// `  ex=%12ldus timer=%p cb=%ps(%p)` in all versions (expiry relative to now, may be negative).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface TimersParsed extends ParsedBase {
  cpus: {
    cpu: number;
    timers: { expiresUs: number; timer: string; callback: string; data: string | null }[];
  }[];
}

export function parseTimers(lines: readonly string[], norms?: readonly NormLine[]): TimersParsed {
  const out: TimersParsed = { cpus: [], unrecognised: [] };
  let cpu: TimersParsed['cpus'][number] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    if (/^Dumping timer queues:/.test(t)) continue;
    const c = /^CPU(\d+):\s*$/.exec(t);
    if (c) {
      out.cpus.push((cpu = { cpu: Number(c[1]), timers: [] }));
      continue;
    }
    const e = /^\s+ex=\s*(-?\d+)us timer=([0-9a-f]+) cb=(.*?)(?:\(([0-9a-f]+)\))?\s*$/.exec(t);
    if (e && cpu) {
      cpu.timers.push({
        expiresUs: Number(e[1]),
        timer: e[2] ?? '',
        callback: e[3] ?? '',
        data: e[4] ?? null,
      });
      continue;
    }
    out.unrecognised.push(line);
  }
  return out;
}
