// A capture's draft from what the section splitter cut (parse/sections.ts), and where a `w` capture's
// ring replay is: the builder's (build.ts) small pure helpers.

import type { NormLine } from '../parse/prefix.js';
import type { Section } from '../parse/sections.js';
import type { CaptureDraft } from './finisher.js';
import type { TextRest } from './text-rest.js';

/** A section as a capture draft; `rest`: where its lines past the parse window went, if it had any. */
export function fromSection(s: Section, start: number | null, rest: TextRest | null): CaptureDraft {
  return {
    key: s.key,
    description: s.description,
    start,
    lines: s.lines.length + s.rest,
    text: s.lines.join('\n'),
    found: s.found,
    end: null,
    endReason: null,
    complete: s.complete,
    ...(rest ? { parsedLines: s.lines.length, textRest: rest } : {}),
  };
}

/** In a `w` capture: the header's index and the closing copy's, or null when it never came. */
export function replayRange(norms: readonly NormLine[]): { header: number; end: number } | null {
  const header = norms.findIndex((n) => /^'w' pressed -> /.test(n.text));
  if (header < 0) return null;
  const h = norms[header] as NormLine;
  for (let i = norms.length - 1; i > header; i--) {
    const n = norms[i] as NormLine;
    if (n.kind === 'xen' && n.text === h.text && n.timestamp?.text === h.timestamp?.text)
      return { header, end: i };
  }
  return null;
}
