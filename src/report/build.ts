// Builds a Report, incrementally: feed plain lines (`addLine`, sections found by the splitter) and/or
// captures cut by markers (`addCapture`), then `finish()`. Memory holds a bounded sample of the other
// Xen lines; the rest is scanned (platform, events, dom0) and counted. Captures are kept for finish(), or,
// given `onCapture`, handed over as each completes and forgotten, so a 200 MB log streams through.

import { BootScanner } from '../parse/boot.js';
import { Dom0Scanner } from '../parse/dom0-virt.js';
import { EventScanner } from '../parse/events.js';
import { detach, LineNormaliser, normaliseAll, type NormLine } from '../parse/prefix.js';
import { SectionSplitter, type Section, type SplitItem } from '../parse/sections.js';
import { withDom0Panic } from './dom0-event.js';
import { emptyDigest, type FindingsDigest } from './findings/digest.js';
import { FindingsFold } from './findings/digest-fold.js';
import { buildFindings } from './findings/findings.js';
import { CaptureFinisher, HOLD_BYTES_STREAMING, type CaptureDraft, type Finished } from './finisher.js';
import {
  REPORT_SCHEMA,
  type Report,
  type ReportCapture,
  type ReportSource,
  type ReportStats,
} from './model.js';
import { fromSection, replayRange } from './section-draft.js';
import { PARSE_WINDOW_CHARS, type TextSpill } from './text-rest.js';

/** Bounds on the lines kept outside captures: a months-long conserver log must still stream. */
const OTHER_MAX_LINES = 20_000;
const OTHER_MAX_BYTES = 2 * 1024 * 1024;

export interface BuilderOptions {
  /**
   * Hand each capture here as soon as it is complete (in input order) instead of keeping it: the report
   * of finish() then has no captures. Streaming renderers write them out as they come.
   */
  onCapture?: (capture: ReportCapture) => void;
  /**
   * Descriptions come from the host's `h` list when the input has one, and it may come after the first
   * captures: they are held back until it does, up to this many bytes of text (then they go with the
   * description their own header gave). Default: no bound when captures are kept, 8 MiB when streamed.
   */
  holdBytes?: number;
  /**
   * Hand each capture over unparsed instead (a worker thread parses and writes it, with a
   * CaptureFinisher of its own); finish() then takes what that finisher found.
   */
  onDraft?: (draft: CaptureDraft) => void;
  /**
   * Put a section's lines past PARSE_WINDOW_CHARS here (text-rest.ts) instead of holding them: it is
   * parsed from that window, and its rest is copied into the output from the spill. Without a spill a
   * section is held and parsed whole.
   */
  spill?: TextSpill;
  /** false: a report without findings (none made, no digest kept), the baseline a benchmark needs. */
  findings?: boolean;
  /** Each Xen address the captures' dumps print, when first seen: a symboliser can start on it. */
  onXenAddress?: (address: string) => void;
}

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
  private readonly splitter: SectionSplitter;
  private readonly boot = new BootScanner();
  private readonly events = new EventScanner();
  private readonly dom0 = new Dom0Scanner();
  private readonly captures: ReportCapture[] = [];
  /** Parses and describes captures here, unless they are handed over as drafts. */
  private readonly finisher: CaptureFinisher | null;
  private readonly onDraft: ((draft: CaptureDraft) => void) | null;
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
  private readonly spill: TextSpill | null;
  /** The section whose rest is being spilled, or the marker capture's (`capture`, and its lines). */
  private spilling: Section | 'capture' | null = null;
  private restLines = 0;
  private restNorms = new LineNormaliser();
  private lineTime: number | null = null;
  private readonly other = { lines: [] as string[], droppedLines: 0 };
  private otherBytes = 0;
  private readonly findings: boolean;

  constructor(
    /** Set before the first capture completes if it is only known then (report-input sniffs first). */
    public source: ReportSource,
    options: BuilderOptions = {},
  ) {
    const onCapture = options.onCapture ?? ((c: ReportCapture) => void this.captures.push(c));
    const holdBytes = options.holdBytes ?? (options.onCapture ? HOLD_BYTES_STREAMING : Infinity);
    this.onDraft = options.onDraft ?? null;
    this.spill = options.spill ?? null;
    // Lines parsed here are read normalised from the splitter; a worker normalises its own.
    this.splitter = new SectionSplitter((item) => this.onItem(item), {
      keepNorms: !this.onDraft,
      ...(this.spill ? { windowChars: PARSE_WINDOW_CHARS } : {}),
    });
    this.findings = options.findings ?? true;
    const fold = this.findings ? new FindingsFold(options.onXenAddress) : null;
    this.finisher = this.onDraft ? null : new CaptureFinisher(onCapture, holdBytes, fold);
  }

  /** Characters of a capture kept and parsed (a fold cutting captures keeps no more: SessionFold). */
  get windowChars(): number {
    return this.spill ? PARSE_WINDOW_CHARS : Infinity;
  }

  /**
   * A line of the marker capture being cut, past windowChars (`head`: its lines before, which
   * addCapture gets again): spilled, and read for the platform and events in order, head first.
   */
  addRestLine(text: string, head: readonly string[]): void {
    if (!this.spill) return;
    if (this.spilling !== 'capture') {
      // What plain lines opened ends before this capture (addCapture would end it), its rest with it.
      this.splitter.flush();
      this.spill.begin();
      this.spilling = 'capture';
      this.restLines = 0;
      this.restNorms = new LineNormaliser();
      this.events.boundary();
      for (const line of head) this.scan(this.restNorms.next(line), false, true);
    }
    this.restLines++;
    this.spill.write(`\n${text}`);
    this.scan(this.restNorms.next(text), false, true);
  }

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
    const rest = this.spilling === 'capture' ? (this.spill as TextSpill).end() : null;
    this.spilling = null;
    const norms = normaliseAll(capture.lines);
    const replay = capture.key === 'w' ? replayRange(norms) : null;
    // A capture with a rest was read as its lines came (addRestLine).
    if (!rest) {
      this.events.boundary();
      norms.forEach((norm, i) => {
        const inReplay = replay !== null && i > replay.header && i <= replay.end;
        this.scan(norm, inReplay, true);
      });
    }
    this.events.boundary();
    const endReason = capture.endReason ?? null;
    const cut = endReason !== null && endReason !== 'quiet' && endReason !== 'no-output';
    const draft: CaptureDraft = {
      key: capture.key,
      description: capture.description,
      start: capture.start,
      lines: capture.lines.length + (rest ? this.restLines : 0),
      text: capture.lines.join('\n'),
      found: 'marker',
      end: capture.end ?? null,
      endReason,
      complete: !cut && (capture.key !== 'w' || replay !== null),
      ...(rest ? { parsedLines: capture.lines.length, textRest: rest } : {}),
    };
    this.complete(draft, capture.lines, norms);
  }

  /** End of input: a section still open is complete now (before a finisher of drafts is asked). */
  endInput(): void {
    this.splitter.flush();
  }

  /**
   * The report; `drafted` is what the finisher of drafts (onDraft) found. Its key order is the order a streaming renderer writes in (captures before the facts
   * only known at the end), so both renderings of one input are the same text.
   */
  finish(drafted?: Finished): Report {
    return this.finishWithDigest(drafted).report;
  }

  /** The report, and the digest its findings were made from (the symbols' edge reads its addresses). */
  finishWithDigest(drafted?: Finished): { report: Report; digest: FindingsDigest } {
    this.splitter.flush();
    const { scheduler, digest } = this.finisher?.finish() ??
      drafted ?? { scheduler: null, digest: emptyDigest() };
    const platform = this.boot.result();
    if (platform.scheduler === null && scheduler) {
      platform.scheduler = scheduler;
      platform.sources.scheduler = 'run-queues';
    }
    const dom0 = this.dom0.result();
    const events = withDom0Panic(
      this.events.finish().map((e) => ({ ...e })),
      dom0,
    );
    const report: Report = {
      schema: REPORT_SCHEMA,
      source: this.source,
      captures: this.captures,
      platform,
      events,
      dom0,
      stats: { ...this.stats, timestampForms: [...this.forms].sort() },
      findings: this.findings ? buildFindings({ platform, events, dom0 }, digest) : [],
      other: {
        lines: this.other.lines.length,
        text: this.other.lines.join('\n'),
        droppedLines: this.other.droppedLines,
      },
    };
    return { report, digest };
  }

  private complete(draft: CaptureDraft, lines: readonly string[], norms?: readonly NormLine[]): void {
    if (this.onDraft) this.onDraft(draft);
    else this.finisher?.add(draft, lines, norms);
  }

  private onItem(item: SplitItem): void {
    if (item.type === 'section') {
      const s = item.section;
      const start = this.openSection === s ? this.openSectionStart : null;
      const rest = this.spilling === s ? (this.spill as TextSpill).end() : null;
      this.spilling = null;
      this.complete(fromSection(s, start, rest), s.lines, s.norms);
      this.events.boundary();
      this.openSection = null;
      return;
    }
    if (item.section !== null && item.section !== this.openSection) {
      this.openSection = item.section;
      this.openSectionStart = this.lineTime;
      this.events.boundary();
    }
    if (item.rest && this.spill) {
      if (this.spilling !== item.section) this.spill.begin();
      this.spilling = item.section;
      this.spill.write(`\n${item.raw}`);
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
      o.lines.push(detach(raw));
      this.otherBytes += raw.length + 1;
    } else o.droppedLines++;
  }
}

/** Plain lines with no markers: a raw log, `xl dmesg`, a pasted mail. */
export function reportFromLines(lines: Iterable<string>, source: ReportSource): Report {
  const builder = new ReportBuilder(source);
  for (const line of lines) builder.addLine(line);
  return builder.finish();
}
