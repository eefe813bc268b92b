// `x` — print livepatch info (4.7+): the hypervisor build-id and each loaded patch. Source:
// xen/common/livepatch.c livepatch_printall.

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface LivepatchParsed extends ParsedBase {
  buildId: string | null;
  patches: { name: string; state: string; text: string }[];
}

export function parseLivepatch(lines: readonly string[], norms?: readonly NormLine[]): LivepatchParsed {
  const out: LivepatchParsed = { buildId: null, patches: [], unrecognised: [] };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind === 'xen' && /^'x' pressed - /.test(t)) continue;
    const b = n.kind === 'xen' ? /^build-id: ([0-9a-f]+)/.exec(t) : null;
    const p = n.kind === 'xen' ? /^ name=(\S+) state=(\S+)/.exec(t) : null;
    if (b) out.buildId = b[1] ?? null;
    else if (p) out.patches.push({ name: p[1] ?? '', state: p[2] ?? '', text: t.trim() });
    else if (!(n.kind === 'xen' && /^\s+\S+ patch |^build-id=|Try again\.$/.test(t)))
      out.unrecognised.push(line);
  }
  return out;
}
