// A Markdown or HTML page in its three parts: the top, which needs the whole report (the verdict, the
// findings, a table of every capture), one part per capture, and the tail. Apart, a streamed page can
// render each capture's part as the capture completes and keep only its text (spooled-stream.ts).

import type { Report, ReportCapture } from './model.js';
import type { RestReader } from './text-rest.js';

export interface PageRenderer {
  top(report: Report): Iterable<string>;
  /**
   * One capture's part; `index`: its place in report.captures. `report` is the finished report, or
   * null while the input is still read — only for a capture that `waits` does not hold back.
   */
  capture(capture: ReportCapture, index: number, report: Report | null, read?: RestReader): Iterable<string>;
  tail(report: Report): Iterable<string>;
  /** Whether this capture's part reads the finished report (then it is rendered at the end). */
  waits(capture: ReportCapture): boolean;
}

/** The whole page of a finished report. */
export function* renderPage(page: PageRenderer, report: Report, read?: RestReader): Generator<string> {
  yield* page.top(report);
  for (const [i, capture] of report.captures.entries()) yield* page.capture(capture, i, report, read);
  yield* page.tail(report);
}
