// `g` — print grant table usage: per remote domain, active entries. Source: xen/common/grant_table.c
// gnttab_usage_print(_all): framed by `gnttab_usage_print_all [ key 'g' pressed` … `] done`; headings
// `grant-table for remote domain:%5d (v%d)` (4.4–4.9) / `grant-table for remote d%d (v%u)` (4.10+).

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface GrantParsed extends ParsedBase {
  domains: {
    domain: number;
    version: number | null;
    frames: number | null;
    maxFrames: number | null;
    maptrackFrames: number | null;
    maxMaptrackFrames: number | null;
    entries: string[];
    noActiveEntries: boolean;
  }[];
  complete: boolean;
}

export function parseGrant(lines: readonly string[], norms?: readonly NormLine[]): GrantParsed {
  const out: GrantParsed = { domains: [], complete: false, unrecognised: [] };
  let dom: GrantParsed['domains'][number] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    let m: RegExpExecArray | null;
    if (/^gnttab_usage_print_all \[ key/.test(t) || /^\s*(-{8} active|\[ref\] localdom)/.test(t)) continue;
    if (/^gnttab_usage_print_all \] done/.test(t)) out.complete = true;
    else if ((m = /^grant-table for remote (?:domain:\s*|d)(\d+) \(v(\d+)\)(.*)$/.exec(t))) {
      dom = {
        domain: Number(m[1]),
        version: Number(m[2]),
        frames: null,
        maxFrames: null,
        maptrackFrames: null,
        maxMaptrackFrames: null,
        entries: [],
        noActiveEntries: /no active grant table entries/.test(m[3] ?? ''),
      };
      out.domains.push(dom);
    } else if ((m = /^\s*(\d+) frames \((\d+) max\), (\d+) maptrack frames \((\d+) max\)/.exec(t)) && dom) {
      [dom.frames, dom.maxFrames, dom.maptrackFrames, dom.maxMaptrackFrames] = m.slice(1, 5).map(Number) as [
        number,
        number,
        number,
        number,
      ];
    } else if (/^no active grant table entries/.test(t) && dom) dom.noActiveEntries = true;
    else if (/^\[\s*(0x)?[0-9a-f]+\]\s+\d+/.test(t) && dom) dom.entries.push(t.trim());
    else out.unrecognised.push(line);
  }
  return out;
}
