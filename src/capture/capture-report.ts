// The report beside a capture — DIR/report.json and DIR/report.md (report-N.* in a reused folder) —
// built while the session runs: the console's own fold (pipeline/session-fold.ts) hands each plain
// line and each key's capture to a ReportBuilder as it is cut, so when the last key ends only the
// rendering is left, and session.raw is never read back. A failure here never fails the capture: the
// caller warns and carries on.

import type { XenConsole } from '../console/xen-console.js';
import { Emitter } from '../core/emitter.js';
import { ReportBuilder } from '../report/build.js';
import type { SessionEvent } from '../core/session-event.js';
import { SessionFold } from '../pipeline/session-fold.js';
import { MAX_CAPTURE_TEXT } from '../pipeline/capture.js';
import { builderCutSink, builderSink } from '../report/fold-feed.js';
import type { ReportCapture } from '../report/model.js';
import { renderJsonChunks } from '../report/render-json.js';
import { renderMarkdownChunks } from '../report/render-markdown.js';
import { writeChunksAtomically } from './report-output.js';

export interface CaptureReport {
  readonly builder: ReportBuilder;
  /**
   * Each key's capture, parsed, as soon as the key ends (before the session does): for the TUI's side
   * panel. Its description may still change once the host's `h` list is read.
   */
  readonly onParsed: Emitter<ReportCapture>['on'];
  /** The session is over: cut what is left (an unfinished line, a key still open). */
  end(): void;
}

/** Start the report of `console`'s session: fed by the console's fold as lines and keys are cut. */
export function startCaptureReport(console: XenConsole): CaptureReport {
  const parsed = new Emitter<ReportCapture>();
  const builder = new ReportBuilder({ kind: 'live', name: null }, { onParsed: (c) => parsed.fire(c) });
  const sub = console.onCut(builderCutSink(builder, { times: false }));
  return {
    builder,
    onParsed: parsed.on,
    end() {
      console.finish();
      sub.dispose();
    },
  };
}

/**
 * The same for a session with no XenConsole (in-band capture through dom0's shell): the caller hands
 * over every event it records, and they are folded exactly as the console folds its own.
 */
export function startEventReport(): CaptureReport & { push(event: SessionEvent): void } {
  const parsed = new Emitter<ReportCapture>();
  const builder = new ReportBuilder({ kind: 'live', name: null }, { onParsed: (c) => parsed.fire(c) });
  const fold = new SessionFold(builderSink(builder, { times: false }), { maxCaptureText: MAX_CAPTURE_TEXT });
  let lastT = 0;
  return {
    builder,
    onParsed: parsed.on,
    push(event) {
      lastT = event.t;
      fold.push(event);
    },
    end() {
      fold.end(lastT);
    },
  };
}

/** Writes `${stem}.json` and `${stem}.md` (new files: an existing one is refused, not replaced). */
export async function writeCaptureReport(
  stem: string,
  report: CaptureReport,
  name: string | null,
  startedAt?: string,
  inband = false,
): Promise<string | null> {
  try {
    report.end();
    report.builder.source = {
      kind: 'live',
      name,
      ...(startedAt ? { startedAt } : {}),
      ...(inband ? { capture: 'inband' as const } : {}),
    };
    const built = report.builder.finish();
    await writeChunksAtomically(`${stem}.json`, renderJsonChunks(built), { replace: false });
    await writeChunksAtomically(`${stem}.md`, renderMarkdownChunks(built), { replace: false });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
