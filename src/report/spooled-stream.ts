// Markdown and HTML streamed with bounded memory. Their pages open with what is known only at the end
// (the verdict, findings, a table of every capture, what the first and last dumps say), so each
// capture's part of the page is rendered as the capture completes and put aside as text — in a spool
// the caller keeps outside memory (capture/page-spool.ts) — and only a light copy of the capture
// stays: what the top of the page reads (key, description, start, lines, and the parsed structure of
// the few dumps it compares). A capture whose part needs the finished report (page.ts `waits`), or
// whose text is too long to hold, is spooled whole and rendered at the end. At the end the top is
// rendered from the light copies, then the spool is copied out, then the tail.

import type { Report, ReportCapture } from './model.js';
import type { PageRenderer } from './page.js';
import type { RestReader } from './text-rest.js';

/** A page's capture parts put aside in order, read back in the same order once (after the last). */
export interface PageSpool {
  /** Rendered text. */
  text(chunk: string): void;
  /** A capture to render at the end. */
  capture(capture: ReportCapture): void;
  /** The text, in pieces, and the captures, in the order given. */
  read(): Iterable<string | ReportCapture>;
}

/** Keys whose parsed structure the top of the page compares (diff-hints.ts) or counts CPUs from. */
const COMPARED = new Set(['r', 'd', '*']);

/** A ReportStreamRenderer (renderers.ts) for a page, over a spool. */
export class SpooledReportStream {
  private readonly light: ReportCapture[] = [];
  /** The indexes of the captures spooled whole, in order. */
  private readonly held: number[] = [];
  /** Per compared key: the index of its first and last parsed capture, whose structure is kept. */
  private readonly firstOf = new Map<string, number>();
  private readonly lastOf = new Map<string, number>();
  /** The `r` or `d` listing the most CPUs (view-platform's cpusOf), kept too. */
  private widest: { index: number; cpus: number } | null = null;

  constructor(
    private readonly page: PageRenderer,
    private readonly spool: PageSpool,
    private readonly read?: RestReader,
  ) {}

  capture(capture: ReportCapture): Iterable<string> {
    const index = this.light.length;
    this.light.push({ ...capture, text: '', parsed: null });
    if (COMPARED.has(capture.key) && capture.parsed) this.keepParsed(capture, index);
    if (capture.textRest || this.page.waits(capture)) {
      this.spool.capture(capture);
      this.held.push(index);
    } else for (const chunk of this.page.capture(capture, index, null, this.read)) this.spool.text(chunk);
    return [];
  }

  *end(report: Report): Generator<string> {
    const whole = { ...report, captures: this.light };
    yield* this.page.top(whole);
    let held = 0;
    for (const item of this.spool.read()) {
      if (typeof item === 'string') yield item;
      else yield* this.page.capture(item, this.held[held++] as number, whole, this.read);
    }
    yield* this.page.tail(whole);
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
