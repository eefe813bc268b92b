// Builds a Report, incrementally: feed plain lines (`addLine`, sections found by the splitter) and/or
// captures cut by markers (`addCapture`), then `finish()`. Memory holds the captures and a bounded sample
// of the other Xen lines; the rest is scanned (platform, events, dom0) and counted, so a 200 MB log
// streams through.

import type { RecutSession } from '../console/captures-from-events.js';
import type { KeyCapture } from '../console/key-runner.js';
import { BootScanner } from '../parse/boot.js';
import { Dom0Scanner } from '../parse/dom0-virt.js';
import { EventScanner } from '../parse/events.js';
import { parseKey } from '../parse/key-parsers.js';
import { normaliseLine, type NormLine } from '../parse/prefix.js';
import { SectionSplitter, type Section, type SplitItem } from '../parse/sections.js';
import {
  REPORT_SCHEMA,
  type Report,
  type ReportCapture,
  type ReportSource,
  type ReportStats,
} from './model.js';

/** Bounds on the lines kept outside captures: a months-long conserver log must still stream. */
const OTHER_MAX_LINES = 20_000;
const OTHER_MAX_BYTES = 2 * 1024 * 1024;

/** A capture cut by markers (or by anything else that knows where a key's output begins and ends). */
export interface CaptureInput {
  key: string;
  description: string | null;
  start: number | null;
  lines: readonly string[];
  end?: number | null;
  endReason?: string | null;
}

export class ReportBuilder {
  private readonly splitter = new SectionSplitter((item) => this.onItem(item));
  private readonly boot = new BootScanner();
  private readonly events = new EventScanner();
  private readonly dom0 = new Dom0Scanner();
  private readonly captures: ReportCapture[] = [];
  private readonly forms = new Set<string>();
  private readonly stats: ReportStats = {
    lines: 0,
    xenLines: 0,
    guestLines: 0,
    foreignLines: 0,
    unattributedXenLines: 0,
    timestampForms: [],
  };
  private openSection: Section | null = null;
  private openSectionStart: number | null = null;
  private lineTime: number | null = null;
  private readonly other = { lines: [] as string[], droppedLines: 0 };
  private otherBytes = 0;

  constructor(private readonly source: ReportSource) {}

  /**
   * One line of a plain log; a capture's lines go through addCapture instead. `t`, the session seconds
   * of the line when a recording has them, becomes the `start` of a section it opens.
   */
  addLine(raw: string, t: number | null = null): void {
    this.lineTime = t;
    // A caller's "line" with newlines in it is several: captures count text lines.
    if (raw.includes('\n')) for (const part of raw.split(/\r?\n/)) this.splitter.push(part);
    else this.splitter.push(raw);
  }

  /** One capture cut by markers. Closes whatever section plain lines had opened. */
  addCapture(input: CaptureInput): void {
    const capture = input.lines.some((l) => l.includes('\n'))
      ? { ...input, lines: input.lines.flatMap((l) => l.split(/\r?\n/)) }
      : input;
    this.splitter.flush();
    this.events.boundary();
    const replay = capture.key === 'w' ? replayRange(capture.lines) : null;
    capture.lines.forEach((raw, i) => {
      const inReplay = replay !== null && i > replay.header && i <= replay.end;
      this.scan(normaliseLine(raw), inReplay, true);
    });
    this.events.boundary();
    const parsed = parseKey(capture.key, capture.lines);
    const endReason = capture.endReason ?? null;
    const cut = endReason !== null && endReason !== 'quiet' && endReason !== 'no-output';
    this.captures.push({
      key: capture.key,
      description: capture.description,
      start: capture.start,
      lines: capture.lines.length,
      text: capture.lines.join('\n'),
      parsed,
      found: 'marker',
      end: capture.end ?? null,
      endReason,
      complete: !cut && (capture.key !== 'w' || replay !== null),
    });
  }

  finish(): Report {
    this.splitter.flush();
    this.fillDescriptions();
    const platform = this.boot.result();
    if (platform.scheduler === null) {
      const scheduler = schedulerFromCaptures(this.captures);
      if (scheduler) {
        platform.scheduler = scheduler;
        platform.sources.scheduler = 'run-queues';
      }
    }
    return {
      schema: REPORT_SCHEMA,
      source: this.source,
      platform,
      captures: this.captures,
      events: this.events.finish().map((e) => ({ ...e })),
      dom0: this.dom0.result(),
      stats: { ...this.stats, timestampForms: [...this.forms].sort() },
      other: {
        lines: this.other.lines.length,
        text: this.other.lines.join('\n'),
        droppedLines: this.other.droppedLines,
      },
    };
  }

  private onItem(item: SplitItem): void {
    if (item.type === 'section') {
      this.captures.push(
        fromSection(item.section, this.openSection === item.section ? this.openSectionStart : null),
      );
      this.events.boundary();
      this.openSection = null;
      return;
    }
    if (item.section !== null && item.section !== this.openSection) {
      this.openSection = item.section;
      this.openSectionStart = this.lineTime;
      this.events.boundary();
    }
    this.scan(item.norm, item.replay, item.section !== null);
  }

  private scan(norm: NormLine, replay: boolean, inCapture: boolean): void {
    const index = this.stats.lines++;
    if (norm.kind === 'xen') {
      this.stats.xenLines++;
      if (!inCapture) this.stats.unattributedXenLines++;
    } else if (norm.kind === 'guest') this.stats.guestLines++;
    else this.stats.foreignLines++;
    if (!inCapture && norm.kind !== 'foreign') this.keepOther(norm.raw);
    if (norm.timestamp) this.forms.add(norm.timestamp.form);
    this.boot.push(norm);
    this.events.push(norm, index, replay);
    // A ring replay holds no dom0 kernel lines worth a second reading; the live ones were read.
    if (!replay) this.dom0.push(norm, index);
  }

  /** Hypervisor and guest lines outside every capture, kept (up to a bound) so nothing is lost silently. */
  private keepOther(raw: string): void {
    const o = this.other;
    if (o.lines.length < OTHER_MAX_LINES && this.otherBytes + raw.length < OTHER_MAX_BYTES) {
      o.lines.push(raw);
      this.otherBytes += raw.length + 1;
    } else o.droppedLines++;
  }

  /** Prefer the host's own `h` list for every capture's description. */
  private fillDescriptions(): void {
    const h = this.captures.find((c) => c.key === 'h' && c.parsed !== null);
    const handlers = new Map<string, string>();
    for (const x of (h?.parsed as { handlers?: { key: string; description: string }[] } | undefined)
      ?.handlers ?? [])
      handlers.set(x.key, x.description);
    for (const c of this.captures) {
      const fromList = handlers.get(c.key);
      if (fromList !== undefined && (c.found !== 'marker' || c.description === null))
        c.description = fromList;
    }
  }
}

function fromSection(s: Section, start: number | null): ReportCapture {
  return {
    key: s.key,
    description: s.description,
    start,
    lines: s.lines.length,
    text: s.lines.join('\n'),
    parsed: parseKey(s.key, s.lines),
    found: s.found,
    end: null,
    endReason: null,
    complete: s.complete,
  };
}

/** In a `w` capture: the header's index and the closing copy's, or null when it never came. */
function replayRange(lines: readonly string[]): { header: number; end: number } | null {
  const header = lines.findIndex((l) => /^'w' pressed -> /.test(normaliseLine(l).text));
  if (header < 0) return null;
  const h = normaliseLine(lines[header] ?? '');
  for (let i = lines.length - 1; i > header; i--) {
    const n = normaliseLine(lines[i] ?? '');
    if (n.kind === 'xen' && n.text === h.text && n.timestamp?.text === h.timestamp?.text)
      return { header, end: i };
  }
  return null;
}

function schedulerFromCaptures(captures: ReportCapture[]): string | null {
  for (const c of captures) {
    if (c.key === 'r') {
      const s = (c.parsed as { scheduler?: string | null } | null)?.scheduler;
      if (s) return s;
    }
    if (c.key === '*') {
      for (const part of (c.parsed as { parts?: { key: string; parsed: unknown }[] } | null)?.parts ?? []) {
        const s = part.key === 'r' ? (part.parsed as { scheduler?: string | null } | null)?.scheduler : null;
        if (s) return s;
      }
    }
  }
  return null;
}

/** A recording re-cut by its markers: captures in order, the lines between them read as a plain log. */
export function reportFromRecut(recut: RecutSession, source: ReportSource): Report {
  const builder = new ReportBuilder(source);
  addRecut(builder, recut);
  return builder.finish();
}

/** Feed a re-cut recording into a builder (several inputs can share one). */
export function addRecut(builder: ReportBuilder, recut: RecutSession): void {
  const captures = recut.captures;
  let next = 0;
  for (const line of recut.otherLines) {
    // A line that started before a key's marker but ended inside it belongs to the capture already.
    while (next < captures.length && (captures[next]?.rawStart ?? Infinity) <= line.offset) {
      builder.addCapture(captureInput(captures[next++] as KeyCapture));
    }
    builder.addLine(line.text, line.t);
  }
  while (next < captures.length) builder.addCapture(captureInput(captures[next++] as KeyCapture));
}

/**
 * A raw log streamed beside the captures a live session cut from it: a line whose last byte falls in a
 * capture's raw range (rawStart, rawEnd] is already in that capture's text, exactly as the key runner cut it.
 */
export class RawWithCaptures {
  private next = 0;

  constructor(
    private readonly builder: ReportBuilder,
    private readonly captures: readonly KeyCapture[],
  ) {}

  line(text: string, offset: number, length: number): void {
    const end = offset + length;
    for (let c = this.captures[this.next]; c && end > c.rawEnd; c = this.captures[this.next]) {
      this.builder.addCapture(captureInput(c));
      this.next++;
    }
    const c = this.captures[this.next];
    if (c && end > c.rawStart) return;
    this.builder.addLine(text);
  }

  end(): void {
    for (let c = this.captures[this.next]; c; c = this.captures[++this.next])
      this.builder.addCapture(captureInput(c));
  }
}

/** Plain lines with no markers: a raw log, `xl dmesg`, a pasted mail. */
export function reportFromLines(lines: Iterable<string>, source: ReportSource): Report {
  const builder = new ReportBuilder(source);
  for (const line of lines) builder.addLine(line);
  return builder.finish();
}

export function captureInput(c: KeyCapture): CaptureInput {
  return {
    key: c.key,
    description: c.description,
    start: c.start,
    lines: c.text === '' ? [] : c.text.split('\n'),
    end: c.end,
    endReason: c.endReason,
  };
}
