// The fold's report-ordered stream (pipeline/session-fold.ts: plain lines and captures, each capture
// before the first plain line that began at or after its start) into a ReportBuilder. Casts, raw logs,
// plain logs and a live session all reach the report this way.

import type { KeyCapture } from '../pipeline/capture.js';
import type { Line } from '../pipeline/line-splitter.js';
import type { CutItem, FoldSink } from '../pipeline/session-fold.js';
import type { ReportBuilder } from './build.js';

export interface BuilderFeedOptions {
  /**
   * Give lines their session time (a recording's); a raw log's times are not real, and a live
   * session's report reads like its raw log's.
   */
  times?: boolean;
}

/** The `plain` and `ordered` halves of a FoldSink that feed `builder`. */
export function builderSink(
  builder: ReportBuilder,
  options: BuilderFeedOptions = {},
): Required<Pick<FoldSink, 'plain' | 'ordered' | 'rest'>> {
  const times = options.times ?? true;
  return {
    plain: (line: Line) => builder.addLine(line.text, times ? line.t : null),
    rest: (line: Line, kept: readonly string[]) => builder.addRestLine(line.text, kept),
    ordered: (c: KeyCapture, lines: readonly string[]) =>
      builder.addCapture({
        key: c.key,
        description: c.description,
        start: c.start,
        lines,
        end: c.end,
        endReason: c.endReason,
      }),
  };
}

/** The same, for a console's onCut stream (console/xen-console.ts). */
export function builderCutSink(
  builder: ReportBuilder,
  options: BuilderFeedOptions = {},
): (item: CutItem) => void {
  const sink = builderSink(builder, options);
  return (item) => (item.type === 'line' ? sink.plain(item.line) : sink.ordered(item.capture, item.lines));
}
