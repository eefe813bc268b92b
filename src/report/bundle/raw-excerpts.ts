// The raw log's lines behind findings that name no capture (a Xen crash, dom0's panic, a watchdog):
// found by their text in the raw log copied into the bundle, so the mail's line numbers are that
// file's. A crash is shown from its `----[ Xen-… ]----` banner (registers, stack, call trace) to the
// panic box's end; anything else with a few lines around. Pure: lines in, excerpts out.

import type { Finding } from '../findings/model.js';
import type { Excerpt } from './excerpts.js';

const BANNER = /----\[ Xen-/;
const LINUX =
  /Kernel panic - not syncing|BUG: |Oops: |soft lockup|rcu_\w+ (?:self-)?detected|blocked for more than/;
const LINUX_END = /---\[ end |Kernel Offset:/;
/** How far back a banner may be, and how far a panic box may run on. */
const BACK = 80;
const ON = 16;
const AROUND = 3;
const TOTAL_LINES = 400;

export function rawExcerpts(findings: readonly Finding[], file: string, lines: readonly string[]): Excerpt[] {
  const wanted: [number, number][] = [];
  for (const f of findings) {
    if (f.severity === 'advice' || f.severity === 'info') continue;
    for (const e of f.evidence) {
      if (e.capture !== null || e.text.trim().length < 12) continue;
      const text = e.text.trim();
      const at = lines.findIndex((l) => l.includes(text) || withoutEscapes(l).includes(text));
      if (at >= 0) wanted.push(range(lines, at));
    }
  }
  const out: Excerpt[] = [];
  let budget = TOTAL_LINES;
  for (const [from, to] of merge(wanted)) {
    if (budget <= 0) break;
    const end = Math.min(to, from + budget - 1);
    budget -= end - from + 1;
    out.push({
      title: `${file}, lines ${from + 1}–${end + 1}`,
      lines: lines.slice(from, end + 1).map((text, i) => ({ n: from + i + 1, text })),
      more: to - end,
    });
  }
  return out;
}

/**
 * 0-based inclusive. A message inside a panic box (FATAL TRAP, Panic on CPU) is shown from the
 * `----[ Xen-… ]----` banner before it; one before its dump (an assertion, `Xen BUG at`) to the end of
 * the panic box after it; anything else with a few lines around.
 */
function range(lines: readonly string[], at: number): [number, number] {
  const stars = (i: number): boolean => /^\S*\s*\*{20,}\s*$/.test(lines[i] ?? '');
  let inBox = false;
  for (let i = Math.max(0, at - AROUND); i < at; i++) if (stars(i)) inBox = true;
  let from = Math.max(0, at - AROUND);
  if (inBox)
    for (let i = at; i >= Math.max(0, at - BACK); i--)
      if (BANNER.test(lines[i] ?? '')) {
        from = i;
        break;
      }
  let to = Math.min(lines.length - 1, at + AROUND);
  let opened = inBox;
  for (let i = at; i <= Math.min(lines.length - 1, at + (inBox ? ON : BACK)); i++)
    if (stars(i)) {
      if (opened) {
        to = Math.max(to, i);
        break;
      }
      opened = true;
    }
  // dom0's kernel trouble: its dump runs to Linux's end marker (Kernel Offset, ---[ end …).
  if (LINUX.test(lines[at] ?? ''))
    for (let i = at; i <= Math.min(lines.length - 1, at + BACK); i++)
      if (LINUX_END.test(lines[i] ?? '')) {
        to = Math.max(to, i);
        break;
      }
  return [from, to];
}

/** The parsers read a line without its terminal escape sequences: so must the search. */
function withoutEscapes(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]/g, '');
}

function merge(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([...r]);
  }
  return out;
}
