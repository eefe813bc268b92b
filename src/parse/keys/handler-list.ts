// `h` — show this message: the registered keys. The line grammar is in ../handlers.ts; 4.21–4.22 also
// print the version block after the header (xen/common/keyhandler.c show_handlers, print_version()).

import type { ParsedBase } from '../common.js';
import { type Handler, parseHandlerLine } from '../handlers.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface HandlerListParsed extends ParsedBase {
  handlers: Handler[];
}

export function parseHandlerList(lines: readonly string[], norms?: readonly NormLine[]): HandlerListParsed {
  const out: HandlerListParsed = { handlers: [], unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    if (n.kind === 'xen' && /^'h' pressed -> /.test(n.text)) continue;
    const h = n.kind === 'xen' ? parseHandlerLine(n.text) : null;
    if (h) out.handlers.push(h);
    else out.unrecognised.push(line);
  }
  return out;
}
