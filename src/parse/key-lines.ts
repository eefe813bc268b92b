// How every key parser reads its lines: each one as given (kept verbatim in `unrecognised`) beside its
// normalised form. The caller that has normalised them already (the section splitter, `*` handing its
// parts on) passes the norms in; any other gets them normalised here. No cache: what is known is passed.

import { normaliseAll, type NormLine } from './prefix.js';

/** One line of a key's output: as given, and normalised. */
export interface KeyLine {
  line: string;
  n: NormLine;
}

/** `lines` normalised: `norms` when they are those lines normalised already, else normalised here. */
export function normsOf(lines: readonly string[], norms?: readonly NormLine[]): readonly NormLine[] {
  if (norms !== undefined && norms.length === lines.length) return norms;
  return normaliseAll(lines);
}

/** Each line of a key's output with its normalised form, in order. */
export function keyLines(lines: readonly string[], norms?: readonly NormLine[]): KeyLine[] {
  const ns = normsOf(lines, norms);
  return lines.map((line, i) => ({ line, n: ns[i] as NormLine }));
}
