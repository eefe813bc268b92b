// `*` — print all diagnostics: every diagnostic handler in turn, each after a `[%c: %s]` line (the IRQ
// ones, `d`, first; then ascending ASCII). Each part is parsed by its own key's parser. Source:
// xen/common/keyhandler.c run_all_keyhandlers / run_all_nonirq_keyhandlers.

import type { ParsedBase } from '../common.js';
import { normsOf } from '../key-lines.js';
import type { NormLine } from '../prefix.js';
import { splitStarParts } from '../star-parts.js';

export interface AllKeysPart {
  key: string;
  description: string;
  lines: number;
  parsed: object | null;
}

export interface AllKeysParsed extends ParsedBase {
  parts: AllKeysPart[];
}

export function parseAllKeys(
  lines: readonly string[],
  parseKey: (key: string, lines: readonly string[], norms: readonly NormLine[]) => object | null,
  norms?: readonly NormLine[],
): AllKeysParsed {
  const ns = normsOf(lines, norms);
  const split = splitStarParts(lines, ns);
  const out: AllKeysParsed = { parts: [], unrecognised: [] };
  // Before the first part: only the `'*' pressed` header is expected.
  for (let i = 0; i < (split[0]?.at ?? lines.length); i++) {
    const n = ns[i] as NormLine;
    if (!(n.kind === 'xen' && /^'\*' pressed -> /.test(n.text))) out.unrecognised.push(lines[i] as string);
  }
  for (const p of split) {
    out.parts.push({
      key: p.key,
      description: p.description,
      lines: p.to - p.from,
      // The part's parser reads the lines normalised here, not normalised again.
      parsed: parseKey(p.key, lines.slice(p.from, p.to), ns.slice(p.from, p.to)),
    });
  }
  return out;
}
