// `*` — print all diagnostics: every diagnostic handler in turn, each after a `[%c: %s]` line (the IRQ
// ones, `d`, first; then ascending ASCII). Each part is parsed by its own key's parser. Source:
// xen/common/keyhandler.c run_all_keyhandlers / run_all_nonirq_keyhandlers.

import type { ParsedBase } from '../common.js';
import { normaliseAll, rememberNorms, type NormLine } from '../prefix.js';

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
  parseKey: (key: string, lines: readonly string[]) => object | null,
): AllKeysParsed {
  const out: AllKeysParsed = { parts: [], unrecognised: [] };
  let part: { key: string; description: string; lines: string[]; norms: NormLine[] } | null = null;
  const close = (): void => {
    if (!part) return;
    // The part's parser reads the lines normalised here, not normalised again.
    rememberNorms(part.lines, part.norms);
    out.parts.push({
      key: part.key,
      description: part.description,
      lines: part.lines.length,
      parsed: parseKey(part.key, part.lines),
    });
    part = null;
  };
  const norms = normaliseAll(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const n = norms[i] as NormLine;
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
