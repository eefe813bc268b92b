// The console lines a mail should quote: around each line a finding's evidence names, within its
// capture (a `d` CPU's whole dump, up to its call trace's end; a few lines elsewhere), overlapping
// ranges merged, bounded so a long log still gives a short mail. Pure.

import type { Report } from '../model.js';

export interface Excerpt {
  title: string;
  /** 1-based line numbers within the capture's text. */
  lines: { n: number; text: string }[];
  /** Lines of the range left out to keep the mail short. */
  more: number;
}

/** Lines shown before an evidence line, and after it outside a `d` CPU dump. */
const BEFORE = 2;
const AFTER = 6;
/** A `d` CPU dump is shown to its next `*** Dumping` header, but no further than this. */
const DUMP_LINES = 60;
/** The whole excerpt section, at most. */
const TOTAL_LINES = 600;

export function excerpts(report: Report): Excerpt[] {
  const wanted = new Map<number, Set<number>>();
  for (const f of report.findings)
    for (const e of f.evidence)
      if (e.capture !== null && e.line !== null && report.captures[e.capture])
        (wanted.get(e.capture) ?? wanted.set(e.capture, new Set()).get(e.capture)!).add(e.line);
  const out: Excerpt[] = [];
  let budget = TOTAL_LINES;
  for (const [index, at] of [...wanted].sort((a, b) => a[0] - b[0])) {
    const capture = report.captures[index]!;
    const text = capture.text.split('\n');
    const ranges = merge([...at].map((line) => range(text, line)));
    for (const [from, to] of ranges) {
      if (budget <= 0) break;
      const end = Math.min(to, from + budget - 1);
      budget -= end - from + 1;
      out.push({
        title: `capture #${index + 1} (${capture.key}${capture.description ? `: ${capture.description}` : ''}), lines ${from}–${end}`,
        lines: text.slice(from - 1, end).map((t, i) => ({ n: from + i, text: t })),
        more: to - end,
      });
    }
  }
  return out;
}

/** 1-based inclusive range to show around `line`. */
function range(text: readonly string[], line: number): [number, number] {
  const from = Math.max(1, line - BEFORE);
  if (!/\*\*\* Dumping CPU\d+/.test(text[line - 1] ?? '')) return [from, Math.min(text.length, line + AFTER)];
  let to = line;
  while (to < text.length && to - line < DUMP_LINES && !/\*\*\* Dumping CPU\d+/.test(text[to] ?? '')) to++;
  return [from, to];
}

function merge(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([...r]);
  }
  return out;
}
