// `*` — print all diagnostics: every diagnostic handler in turn, each after a `[%c: %s]` line (the IRQ
// ones, `d`, first; then ascending ASCII). Each part is parsed by its own key's parser. Source:
// xen/common/keyhandler.c run_all_keyhandlers / run_all_nonirq_keyhandlers.

import type { ParsedBase } from '../common.js';
import { normaliseLine } from '../prefix.js';

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
  let part: { key: string; description: string; lines: string[] } | null = null;
  const close = (): void => {
    if (!part) return;
    out.parts.push({
      key: part.key,
      description: part.description,
      lines: part.lines.length,
      parsed: parseKey(part.key, part.lines),
    });
    part = null;
  };
  for (const line of lines) {
    const n = normaliseLine(line);
    const m = n.kind === 'xen' ? PART.exec(n.text) : null;
    if (m) {
      close();
      part = { key: m[1] ?? '', description: m[2] ?? '', lines: [] };
    } else if (part) (part as { lines: string[] }).lines.push(line);
    else if (!(n.kind === 'xen' && /^'\*' pressed -> /.test(n.text))) out.unrecognised.push(line);
  }
  close();
  return out;
}
