// Cuts a plain log with no markers (an `xl dmesg` dump, a conserver log, a pasted mail) into key
// sections, streaming: a section starts at a key's header or fixed first line (key-starts.ts) and ends at
// the next start, at a `*** Serial input` switch, at a key's own last line, or at a line its closed grammar
// refuses. `*` keeps its `[k: desc]` parts; `w`'s ring replay runs until the second copy of its header
// (xen/drivers/char/console.c dump_console_ring_key prints the header into the ring before copying it out).

import { accepts, detectStart, isLastLine, isSwitchLine, type KeyStart } from './key-starts.js';
import { LineNormaliser, normaliseAll, type NormLine } from './prefix.js';

export interface Section {
  key: string;
  description: string | null;
  found: KeyStart['form'];
  /** The section's lines, verbatim: all of them, or those within SplitterOptions.windowChars. */
  lines: string[];
  /** The same lines normalised, with `keepNorms` (the parsers then read these, not normalise again). */
  norms: NormLine[];
  /** Characters of `lines` (each counted with its \n), and the lines past the window: counted only. */
  chars: number;
  rest: number;
  /** False for a `w` whose closing header never came (its replay lines were then read as plain log). */
  complete: boolean;
}

export type SplitItem =
  /**
   * Every input line, in order; `replay` marks lines of a `w` ring replay (printed earlier, shown again),
   * `rest` a section's line past its window (not in `section.lines`).
   */
  | { type: 'line'; raw: string; norm: NormLine; section: Section | null; replay: boolean; rest: boolean }
  /** A section, once it has ended (after all its lines). */
  | { type: 'section'; section: Section };

export interface SplitterOptions {
  /** A `w` replay longer than this without its closing header is given up on (the ring is bounded). */
  maxReplayLines?: number;
  /** Keep each section's lines normalised too (Section.norms): worth it when they are parsed here. */
  keepNorms?: boolean;
  /**
   * Keep a section's lines only up to about this many characters: the lines past it are counted
   * (`rest`) and marked on their line item, so a huge section costs no more memory than this.
   */
  windowChars?: number;
}

interface OpenReplay {
  section: Section;
  header: string;
  stamp: string | null;
  buffer: { raw: string; norm: NormLine }[];
}

export class SectionSplitter {
  private current: { section: Section; starSub: string | null } | null = null;
  private replay: OpenReplay | null = null;
  private readonly maxReplay: number;
  private readonly keepNorms: boolean;
  private readonly windowChars: number;
  /** Lines pushed without their norm are normalised in order (a log pasted without prefixes). */
  private readonly normaliser = new LineNormaliser();

  constructor(
    private readonly emit: (item: SplitItem) => void,
    options: SplitterOptions = {},
  ) {
    this.maxReplay = options.maxReplayLines ?? 200_000;
    this.keepNorms = options.keepNorms ?? false;
    this.windowChars = options.windowChars ?? Infinity;
  }

  /**
   * The next line; `norm` when the caller has normalised it already. `canReplay` false: a `w` header
   * here cannot meet its closing copy (see endReplay).
   */
  push(raw: string, norm: NormLine = this.normaliser.next(raw), canReplay = true): void {
    if (this.replay) this.pushReplay(raw, norm);
    else this.pushLine(raw, norm, canReplay);
  }

  /** Close whatever is open: at the end of input, or before a capture cut by markers. */
  flush(): void {
    while (this.replay) this.endReplay(false);
    this.close();
  }

  private pushLine(raw: string, norm: NormLine, canReplay: boolean): void {
    if (isSwitchLine(norm)) {
      this.close();
      this.line(raw, norm, null, false);
      return;
    }
    const cur = this.current;
    let start = detectStart(norm);
    // A line that recurs inside its key's output continues that output (and a `*` part of that key).
    if (start?.continues && cur && (cur.section.key === start.key || cur.starSub === start.key)) start = null;
    if (cur && cur.section.key === '*') {
      if (!start || start.form === 'star-sub' || start.key === cur.starSub) {
        if (start?.form === 'star-sub') cur.starSub = start.key;
        this.append(cur.section, raw, norm);
        return;
      }
      this.close();
    } else if (cur) {
      if (!start) {
        if (norm.kind === 'xen' && !accepts(cur.section.key, norm.text)) {
          this.close();
          this.line(raw, norm, null, false);
          return;
        }
        this.append(cur.section, raw, norm);
        if (norm.kind === 'xen' && isLastLine(cur.section.key, norm.text)) this.close();
        return;
      }
      this.close();
    }
    if (start) this.open(start, raw, norm, canReplay);
    else this.line(raw, norm, null, false);
  }

  private open(start: KeyStart, raw: string, norm: NormLine, canReplay: boolean): void {
    const star = start.form === 'star-sub';
    const section: Section = {
      key: star ? '*' : start.key,
      description: star ? null : start.description,
      found: start.form,
      lines: [],
      norms: [],
      chars: 0,
      rest: 0,
      complete: true,
    };
    this.append(section, raw, norm);
    if (section.key === 'w' && start.form === 'header') {
      section.complete = false;
      // Ends where it starts, as a replay that never closes would, without holding the lines after it.
      if (!canReplay) return this.emit({ type: 'section', section });
      this.replay = { section, header: norm.text, stamp: norm.timestamp?.text ?? null, buffer: [] };
      return;
    }
    this.current = { section, starSub: star ? start.key : null };
    if (!star && isLastLine(section.key, norm.text)) this.close();
  }

  private pushReplay(raw: string, norm: NormLine): void {
    const r = this.replay;
    if (!r) return;
    r.buffer.push({ raw, norm });
    const closing =
      norm.kind === 'xen' && norm.text === r.header && (norm.timestamp?.text ?? null) === r.stamp;
    if (closing) this.endReplay(true);
    else if (r.buffer.length > this.maxReplay) this.endReplay(false);
  }

  private endReplay(complete: boolean): void {
    const r = this.replay;
    if (!r) return;
    this.replay = null;
    if (complete) {
      r.section.complete = true;
      for (const { raw, norm } of r.buffer) this.append(r.section, raw, norm, true);
      this.emit({ type: 'section', section: r.section });
      return;
    }
    // No closing header: the lines were not a replay after all, or it was cut short. Read them afresh —
    // but a `w` header among them replays only if its closing copy is among them too; else it ends at
    // once (at the end of input it could not close anyway). So no line is read a third time, and a log
    // full of unclosed `w` headers stays linear rather than re-reading the rest of the log for each.
    this.emit({ type: 'section', section: r.section });
    const last = new Map<string, number>();
    r.buffer.forEach(({ norm }, i) => norm.kind === 'xen' && last.set(replayKey(norm), i));
    r.buffer.forEach(({ raw, norm }, i) => this.push(raw, norm, (last.get(replayKey(norm)) ?? -1) > i));
  }

  private append(section: Section, raw: string, norm: NormLine, replay = false): void {
    const rest = section.rest > 0 || section.chars >= this.windowChars;
    if (rest) section.rest++;
    else {
      section.lines.push(raw);
      section.chars += raw.length + 1;
      if (this.keepNorms) section.norms.push(norm);
    }
    this.line(raw, norm, section, replay, rest);
  }

  private line(raw: string, norm: NormLine, section: Section | null, replay: boolean, rest = false): void {
    this.emit({ type: 'line', raw, norm, section, replay, rest });
  }

  private close(): void {
    if (!this.current) return;
    const { section } = this.current;
    this.current = null;
    this.emit({ type: 'section', section });
  }
}

/** What a `w` replay's closing copy must repeat of its header: the text and the console stamp. */
function replayKey(n: NormLine): string {
  return `${n.text}\n${n.timestamp?.text ?? ''}`;
}

/** The sections of a whole text at once, and the lines outside any section. */
export function splitSections(
  lines: readonly string[],
  norms: readonly NormLine[] = normaliseAll(lines),
): { sections: Section[]; other: string[] } {
  const sections: Section[] = [];
  const other: string[] = [];
  const splitter = new SectionSplitter((item) => {
    if (item.type === 'section') sections.push(item.section);
    else if (item.section === null) other.push(item.raw);
  });
  lines.forEach((line, i) => splitter.push(line, norms[i]));
  splitter.flush();
  return { sections, other };
}
