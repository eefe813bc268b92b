// Markdown and HTML streamed with bounded memory. Their pages open with what is known only at the end
// (the verdict, findings, a table of every capture, what the first and last dumps say), so each capture
// is put aside as it completes — in a spool the caller keeps outside memory (capture/capture-spool.ts) — and
// only a light copy stays: what the top of the page reads (key, description, start, lines, and the
// parsed structure of the few dumps it compares). At the end the page is rendered as a whole report
// would be, the captures read back from the spool one at a time.

import type { Report, ReportCapture } from './model.js';
import type { RestReader } from './text-rest.js';

/** Captures put aside in order, read back in the same order once (after the last is added). */
export interface CaptureSpool {
  add(capture: ReportCapture): void;
  read(): Iterable<ReportCapture>;
}

/** A whole-page renderer whose per-capture part reads `full` (in order) instead of report.captures. */
export type PageRenderer = (
  report: Report,
  full: Iterable<ReportCapture>,
  read?: RestReader,
) => Iterable<string>;

/** Keys whose parsed structure the top of the page compares (diff-hints.ts) or counts CPUs from. */
const COMPARED = new Set(['r', 'd', '*']);

/** A ReportStreamRenderer (renderers.ts) for a page renderer, over a spool. */
export class SpooledReportStream {
  private readonly light: ReportCapture[] = [];
  /** Per compared key: the index of its first and last parsed capture, whose structure is kept. */
  private readonly firstOf = new Map<string, number>();
  private readonly lastOf = new Map<string, number>();
  /** The `r` or `d` listing the most CPUs (view-platform's cpusOf), kept too. */
  private widest: { index: number; cpus: number } | null = null;

  constructor(
    private readonly render: PageRenderer,
    private readonly spool: CaptureSpool,
    private readonly read?: RestReader,
  ) {}

  capture(capture: ReportCapture): Iterable<string> {
    this.spool.add(capture);
    const index = this.light.length;
    this.light.push({ ...capture, text: '', parsed: null });
    if (COMPARED.has(capture.key) && capture.parsed) this.keepParsed(capture, index);
    return [];
  }

  end(report: Report): Iterable<string> {
    return this.render({ ...report, captures: this.light }, this.spool.read(), this.read);
  }

  private keepParsed(capture: ReportCapture, index: number): void {
    const light = this.light[index] as ReportCapture;
    light.parsed = capture.parsed;
    const key = capture.key;
    if (!this.firstOf.has(key)) this.firstOf.set(key, index);
    const last = this.lastOf.get(key);
    this.lastOf.set(key, index);
    const cpus = new Set(((capture.parsed as { cpus?: { cpu: number }[] }).cpus ?? []).map((c) => c.cpu))
      .size;
    const widest = this.widest;
    if (key !== '*' && cpus > (widest?.cpus ?? 0)) this.widest = { index, cpus };
    // The previous last of this key, unless it is still needed for another reason, goes light.
    for (const was of [last, widest?.index]) {
      if (was === undefined || this.needed(was)) continue;
      (this.light[was] as ReportCapture).parsed = null;
    }
  }

  private needed(index: number): boolean {
    const key = (this.light[index] as ReportCapture).key;
    return this.firstOf.get(key) === index || this.lastOf.get(key) === index || this.widest?.index === index;
  }
}
