// `s` — dump softtsc stats (no header): the TSC reliability verdict and domains with emulated TSC.
// Source: xen/arch/x86/time.c dump_softtsc.

import { type ParsedBase, keyValues } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface SoftTscParsed extends ParsedBase {
  /** The first line, e.g. "TSC not marked as either constant or reliable, warp=0 (count=1)". */
  tsc: string | null;
  reliable: boolean | null;
  warp: number | null;
  domains: { domain: number; hvm: boolean; fields: Record<string, string> }[];
  noEmulatedTsc: boolean;
}

export function parseSoftTsc(lines: readonly string[], norms?: readonly NormLine[]): SoftTscParsed {
  const out: SoftTscParsed = {
    tsc: null,
    reliable: null,
    warp: null,
    domains: [],
    noEmulatedTsc: false,
    unrecognised: [],
  };
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    let m: RegExpExecArray | null;
    if (/^TSC /.test(t)) {
      out.tsc = t.trim();
      out.reliable = /deemed reliable|marked as reliable/.test(t)
        ? true
        : /not reliable|not marked/.test(t)
          ? false
          : null;
      const w = /warp\s*=\s*(\d+)/.exec(t);
      out.warp = w ? Number(w[1]) : null;
    } else if ((m = /^dom(\d+)(\(hvm\))?: (.*)$/.exec(t))) {
      out.domains.push({
        domain: Number(m[1]),
        hvm: m[2] !== undefined,
        fields: keyValues((m[3] ?? '').replace(/,/g, ' ')),
      });
    } else if (/^No domains have emulated TSC/.test(t)) out.noEmulatedTsc = true;
    else out.unrecognised.push(line);
  }
  return out;
}
