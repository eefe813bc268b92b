// What one pressed key produced: the vocabulary the fold (session-fold.ts) cuts, the key runner
// returns, captures.json stores and the reports and the TUI read.

/** How a key's output was judged complete (console/quiet.ts decides the first three). */
export type QuietResult = 'quiet' | 'no-output' | 'cap';

/**
 * `dropped`: the line went down during the key and came back (the key is pressed again once).
 * `ring-wrapped`: in-band only (src/inband): Xen's console ring lost the start of the output.
 */
export type CaptureEndReason = QuietResult | 'interrupted' | 'transport-lost' | 'dropped' | 'ring-wrapped';

export const END_REASONS: ReadonlySet<string> = new Set<CaptureEndReason>([
  'quiet',
  'no-output',
  'cap',
  'interrupted',
  'transport-lost',
  'dropped',
  'ring-wrapped',
]);

/** A key's text kept in memory at most (a 600 MB `d` stays in session.raw, by byte range). */
export const MAX_CAPTURE_TEXT = 8 * 1024 * 1024;

export interface KeyCapture {
  key: string;
  description: string | null;
  /** Session seconds: when the key was sent, its first output byte, and when output was judged complete. */
  start: number;
  firstOutput: number | null;
  end: number;
  /** Raw-log byte range of everything received while the key was being captured. */
  rawStart: number;
  rawEnd: number;
  bytes: number;
  lines: number;
  /** The complete lines received, verbatim (prefixes kept, line endings and escapes removed). */
  text: string;
  /** Present when the text stops at MAX_CAPTURE_TEXT characters; the whole output is session.raw[rawStart, rawEnd). */
  textTruncated?: true;
  endReason: CaptureEndReason;
}

/** A capture's text as lines (one empty line is no line at all: a key that printed only "\n"). */
export function captureLines(c: Pick<KeyCapture, 'text'>): string[] {
  return c.text === '' ? [] : c.text.split('\n');
}
