// `w` — synchronously dump console ring buffer: the header, then the ring as it was stored (prefixes and
// timestamps included), ending with a second copy of the header (it was printed into the ring before the
// copy-out). Source: xen/drivers/char/console.c dump_console_ring_key; failure texts per version.

import type { ParsedBase } from '../common.js';
import { normsOf } from '../key-lines.js';
import type { NormLine } from '../prefix.js';
import { splitSections } from '../sections.js';

export interface ConsoleRingParsed extends ParsedBase {
  /** The closing copy of the header was found. */
  complete: boolean;
  replayLines: number;
  /** The ring had wrapped: the replay starts with the cut tail of a line (empty or unprefixed). */
  startsMidLine: boolean;
  /** Timestamps of the first and last stamped replay lines, when the host prints them. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  /** Key output the ring still holds, found the way a plain log is read. */
  sections: { key: string; description: string | null; lines: number }[];
  /** `unable to allocate memory!` (≤4.20) or `failed to dump console ring buffer: %d` (4.21+). */
  failure: string | null;
}

export function parseConsoleRing(lines: readonly string[], given?: readonly NormLine[]): ConsoleRingParsed {
  const out: ConsoleRingParsed = {
    complete: false,
    replayLines: 0,
    startsMidLine: false,
    firstTimestamp: null,
    lastTimestamp: null,
    sections: [],
    failure: null,
    unrecognised: [],
  };
  const norms = normsOf(lines, given);
  const headerAt = norms.findIndex((n) => /^'w' pressed -> /.test(n.text));
  if (headerAt < 0) return { ...out, unrecognised: [...lines] };
  out.unrecognised.push(...lines.slice(0, headerAt));
  const header = norms[headerAt] as NormLine;
  let end = -1;
  for (let i = lines.length - 1; i > headerAt; i--) {
    const n = norms[i] as NormLine;
    if (n.kind === 'xen' && n.text === header.text && n.timestamp?.text === header.timestamp?.text) {
      end = i;
      break;
    }
  }
  out.complete = end > 0;
  const replay = lines.slice(headerAt + 1, end > 0 ? end : lines.length);
  const replayNorms = norms.slice(headerAt + 1, end > 0 ? end : lines.length);
  if (end > 0) out.unrecognised.push(...lines.slice(end + 1));
  const failure = replay.length <= 2 ? replayNorms.map((n) => n.text).find(isFailure) : undefined;
  if (failure !== undefined) {
    out.failure = failure;
    return out;
  }
  out.replayLines = replay.length;
  // A ring that never wrapped starts with Xen's figlet banner, which has no prefix either.
  const first = replay[0];
  out.startsMidLine =
    first !== undefined &&
    (first.trim() === '' || (replayNorms[0]?.kind === 'foreign' && !/^[\s_|/\\()'.,`<>-]+$/.test(first)));
  for (const n of replayNorms) {
    const stamp = n.timestamp?.text;
    if (stamp === undefined) continue;
    out.firstTimestamp ??= stamp;
    out.lastTimestamp = stamp;
  }
  out.sections = splitSections(replay, replayNorms).sections.map((s) => ({
    key: s.key,
    description: s.description,
    lines: s.lines.length,
  }));
  return out;
}

function isFailure(text: string): boolean {
  return /^(unable to allocate memory!|failed to dump console ring buffer: -?\d+)/.test(text);
}
