// `*` (run_all_keyhandlers, xen/common/keyhandler.c) prints each diagnostic key's output after a
// `[%c: %s]` line. This splits a `*` section into those keys' parts, by line offsets, so that a part can
// be reported as the key it is (a `q` inside `*` is found by whoever looks for key `q`). Pure: the
// report builder, the marker cutter and the `*` parser call it alike.

import { normsOf } from './key-lines.js';
import type { NormLine } from './prefix.js';

export interface StarPart {
  key: string;
  /** As the `[k: desc]` line gives it. */
  description: string;
  /** The index of the `[k: desc]` line in the section's lines. */
  at: number;
  /** The part's own lines are lines[from, to): after its `[k: desc]` line, up to the next one. */
  from: number;
  to: number;
}

const PART = /^\[(.): (.+)\]$/;

/** The parts of a `*` section's lines (empty when none): their keys, descriptions and line ranges. */
export function splitStarParts(lines: readonly string[], norms?: readonly NormLine[]): StarPart[] {
  const ns = normsOf(lines, norms);
  const parts: StarPart[] = [];
  ns.forEach((n, i) => {
    const m = n.kind === 'xen' ? PART.exec(n.text) : null;
    if (!m) return;
    const last = parts[parts.length - 1];
    if (last) last.to = i;
    parts.push({ key: m[1] ?? '', description: m[2] ?? '', at: i, from: i + 1, to: lines.length });
  });
  return parts;
}
