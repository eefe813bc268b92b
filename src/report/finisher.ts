// The last steps of a capture, once its lines are known: parse them (key-parsers.ts), name the key from
// the host's own `h` list, note the scheduler an `r` names, and hand the capture on — in input order.
// Separate from the builder so the parsing can run on another thread (capture/report-worker.ts) while the
// builder reads on; both sides use this same code, so the report is the same either way.

import type { AllKeysParsed } from '../parse/keys/all-keys.js';
import { parseKey } from '../parse/key-parsers.js';
import { detach, type NormLine } from '../parse/prefix.js';
import { splitStarParts } from '../parse/star-parts.js';
import { type FindingsDigest, emptyDigest } from './findings/digest.js';
import { FindingsFold } from './findings/digest-fold.js';
import type { ReportCapture } from './model.js';

/** Streamed captures wait this long (bytes of text) for the host's `h` list, which names their keys. */
export const HOLD_BYTES_STREAMING = 8 * 1024 * 1024;

/** A capture before parsing: everything the report says about it but `parsed`. */
export type CaptureDraft = Omit<ReportCapture, 'parsed'>;

export interface Finished {
  /** The scheduler the first `r` (or `*`'s `r` part) names, for a log without the boot lines. */
  scheduler: string | null;
  /** What the findings need from the captures (findings/digest.ts). */
  digest: FindingsDigest;
}

export class CaptureFinisher {
  /** Captures waiting for the `h` list, and their text's size. */
  private held: ReportCapture[] = [];
  private heldBytes = 0;
  private holding = true;
  /** key → description from the first `h` list; null until one is seen. */
  private handlers: Map<string, string> | null = null;
  private scheduler: string | null = null;
  private released = 0;

  /**
   * `holdBytes`: descriptions come from the host's `h` list when the input has one, and it may come
   * after the first captures. Those are held back until it does, up to this many bytes of text; past
   * that they go on with the description their own header gave, and so does what follows until a list.
   */
  constructor(
    private readonly onCapture: (capture: ReportCapture) => void,
    private readonly holdBytes = Infinity,
    /** What keeps the findings' digest; null for a report without findings (a benchmark's baseline). */
    private readonly fold: FindingsFold | null = new FindingsFold(),
  ) {}

  /**
   * A capture is complete. `lines` are its text's lines, when the caller still has them, and `norms`
   * those lines normalised, when it has those too.
   */
  add(draft: CaptureDraft, lines?: readonly string[], norms?: readonly NormLine[]): void {
    const all = lines ?? textLines(draft);
    const parsed = parseKey(draft.key, all, lines ? norms : undefined);
    // The contract's fields first, in its order; then the extras.
    const capture: ReportCapture = {
      key: draft.key,
      description: draft.description,
      start: draft.start,
      lines: draft.lines,
      text: draft.text,
      parsed,
      found: draft.found,
      end: draft.end,
      endReason: draft.endReason,
      complete: draft.complete,
      ...(draft.textRest ? { parsedLines: draft.parsedLines, textRest: draft.textRest } : {}),
    };
    this.scheduler ??= schedulerOf(capture);
    if (this.handlers === null && capture.key === 'h' && parsed !== null) {
      this.handlers = new Map();
      for (const x of (parsed as { handlers?: { key: string; description: string }[] }).handlers ?? [])
        this.handlers.set(x.key, detach(x.description));
    }
    this.held.push(capture);
    if (capture.key === '*' && parsed !== null) this.held.push(...starPartCaptures(capture, all));
    if (this.handlers === null && this.holding) {
      this.heldBytes += capture.text.length;
      if (this.heldBytes <= this.holdBytes) return;
      this.holding = false;
    }
    this.release();
  }

  /** End of input: whatever is still held goes on as it is. */
  finish(): Finished {
    this.release();
    return { scheduler: this.scheduler, digest: this.fold?.digest() ?? emptyDigest() };
  }

  /** Hand the held captures on, with descriptions from the host's own `h` list where it has the key. */
  private release(): void {
    const out = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const c of out) {
      const fromList = this.handlers?.get(c.key);
      if (fromList !== undefined && (c.found !== 'marker' || c.description === null))
        c.description = fromList;
      this.fold?.add(c, this.released);
      this.released++;
      this.onCapture(c);
    }
  }
}

/** The lines of a capture's text again (lines hold no \n; one empty line is text '' with lines 1). */
export function textLines(draft: Pick<CaptureDraft, 'lines' | 'text'>): string[] {
  return draft.lines === 0 ? [] : draft.text.split('\n');
}

/** Each key's part of a `*` capture as a capture of that key (the contract: one capture per key found). */
function starPartCaptures(star: ReportCapture, lines: readonly string[]): ReportCapture[] {
  const parsed = (star.parsed as AllKeysParsed).parts;
  const split = splitStarParts(lines);
  // A part's text is a stretch of the star's: cut out of it (no copy) where the lines are its text's.
  const at = [0];
  for (const line of lines) at.push((at.at(-1) as number) + line.length + 1);
  const cut = (at.at(-1) as number) - 1 === star.text.length;
  return split.map((p, i) => {
    const text =
      p.to <= p.from
        ? ''
        : cut
          ? star.text.slice(at[p.from], (at[p.to] as number) - 1)
          : lines.slice(p.from, p.to).join('\n');
    return {
      key: p.key,
      description: p.description,
      start: star.start,
      // The contract counts no lines in an empty text.
      lines: text === '' ? 0 : p.to - p.from,
      text,
      parsed: (parsed[i]?.parsed ?? null) as ReportCapture['parsed'],
      found: 'star-part',
      end: null,
      endReason: null,
      // Only the last part can have been cut with its `*`.
      complete: star.complete || i < split.length - 1,
    };
  });
}

/** The scheduler a capture names: an `r`, or the `r` part of a `*`. */
function schedulerOf(c: ReportCapture): string | null {
  const fromRunq = (parsed: unknown): string | null =>
    (parsed as { scheduler?: string | null } | null)?.scheduler || null;
  let s: string | null = null;
  if (c.key === 'r') s = fromRunq(c.parsed);
  else if (c.key === '*') {
    for (const part of (c.parsed as { parts?: { key: string; parsed: unknown }[] } | null)?.parts ?? []) {
      s = part.key === 'r' ? fromRunq(part.parsed) : null;
      if (s) break;
    }
  }
  return s ? detach(s) : null;
}
