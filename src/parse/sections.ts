// Cuts a plain log with no markers (an `xl dmesg` dump, a conserver log, a pasted mail) into key
// sections, streaming: a section starts at a key's header or fixed first line (key-starts.ts) and ends at
// the next start, at a `*** Serial input` switch, at a key's own last line, or at a line its closed grammar
// refuses. `*` keeps its `[k: desc]` parts; `w`'s ring replay runs until the second copy of its header
// (xen/drivers/char/console.c dump_console_ring_key prints the header into the ring before copying it out).

import { accepts, detectStart, isLastLine, isSwitchLine, type KeyStart } from './key-starts.js';
import { normaliseLine, type NormLine } from './prefix.js';

export interface Section {
  key: string;
  description: string | null;
  found: KeyStart['form'];
  /** The section's lines, verbatim. */
  lines: string[];
  /** False for a `w` whose closing header never came (its replay lines were then read as plain log). */
  complete: boolean;
}

export type SplitItem =
  /** Every input line, in order; `replay` marks lines of a `w` ring replay (printed earlier, shown again). */
  | { type: 'line'; raw: string; norm: NormLine; section: Section | null; replay: boolean }
  /** A section, once it has ended (after all its lines). */
  | { type: 'section'; section: Section };

export interface SplitterOptions {
  /** A `w` replay longer than this without its closing header is given up on (the ring is bounded). */
  maxReplayLines?: number;
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

  constructor(
    private readonly emit: (item: SplitItem) => void,
    options: SplitterOptions = {},
  ) {
    this.maxReplay = options.maxReplayLines ?? 200_000;
  }

  push(raw: string): void {
    const norm = normaliseLine(raw);
    if (this.replay) this.pushReplay(raw, norm);
    else this.pushLine(raw, norm);
  }

  /** Close whatever is open: at the end of input, or before a capture cut by markers. */
  flush(): void {
    while (this.replay) this.endReplay(false);
    this.close();
  }

  private pushLine(raw: string, norm: NormLine): void {
    if (isSwitchLine(norm)) {
      this.close();
      this.line(raw, norm, null, false);
      return;
    }
    const start = detectStart(norm);
    const cur = this.current;
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
    if (start) this.open(start, raw, norm);
    else this.line(raw, norm, null, false);
  }

  private open(start: KeyStart, raw: string, norm: NormLine): void {
    const star = start.form === 'star-sub';
    const section: Section = {
      key: star ? '*' : start.key,
      description: star ? null : start.description,
      found: start.form,
      lines: [],
      complete: true,
    };
    this.append(section, raw, norm);
    if (section.key === 'w' && start.form === 'header') {
      section.complete = false;
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
    // No closing header: the lines were not a replay after all, or it was cut short. Read them afresh.
    this.emit({ type: 'section', section: r.section });
    for (const { raw } of r.buffer) this.push(raw);
  }

  private append(section: Section, raw: string, norm: NormLine, replay = false): void {
    section.lines.push(raw);
    this.line(raw, norm, section, replay);
  }

  private line(raw: string, norm: NormLine, section: Section | null, replay: boolean): void {
    this.emit({ type: 'line', raw, norm, section, replay });
  }

  private close(): void {
    if (!this.current) return;
    const { section } = this.current;
    this.current = null;
    this.emit({ type: 'section', section });
  }
}

/** The sections of a whole text at once, and the lines outside any section. */
export function splitSections(lines: Iterable<string>): { sections: Section[]; other: string[] } {
  const sections: Section[] = [];
  const other: string[] = [];
  const splitter = new SectionSplitter((item) => {
    if (item.type === 'section') sections.push(item.section);
    else if (item.section === null) other.push(item.raw);
  });
  for (const line of lines) splitter.push(line);
  splitter.flush();
  return { sections, other };
}
