// `*` — print all diagnostics: every diagnostic handler in turn, each after a `[%c: %s]` line (the IRQ
// ones, `d`, first; then ascending ASCII). Each part is parsed by its own key's parser. Source:
// xen/common/keyhandler.c run_all_keyhandlers / run_all_nonirq_keyhandlers.

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface AllKeysPart {
  key: string;
  description: string;
  lines: number;
  parsed: object | null;
}

export interface AllKeysParsed extends ParsedBase {
  parts: AllKeysPart[];
}

const PART = /^\[(.): (.+)\]$/;

export function parseAllKeys(
  lines: readonly string[],
  parseKey: (key: string, lines: readonly string[], norms: readonly NormLine[]) => object | null,
  norms?: readonly NormLine[],
): AllKeysParsed {
  const out: AllKeysParsed = { parts: [], unrecognised: [] };
  let part: { key: string; description: string; lines: string[]; norms: NormLine[] } | null = null;
  const close = (): void => {
    if (!part) return;
    out.parts.push({
      key: part.key,
      description: part.description,
      lines: part.lines.length,
      // The part's parser reads the lines normalised here, not normalised again.
      parsed: parseKey(part.key, part.lines, part.norms),
    });
    part = null;
  };
  for (const { line, n } of keyLines(lines, norms)) {
    const m = n.kind === 'xen' ? PART.exec(n.text) : null;
    if (m) {
      close();
      part = { key: m[1] ?? '', description: m[2] ?? '', lines: [], norms: [] };
    } else if (part) {
      const p = part as { lines: string[]; norms: NormLine[] };
      p.lines.push(line);
      p.norms.push(n);
    } else if (!(n.kind === 'xen' && /^'\*' pressed -> /.test(n.text))) out.unrecognised.push(line);
  }
  close();
  return out;
}
