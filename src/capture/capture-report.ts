// The report beside a capture — DIR/report.json and DIR/report.md (report-N.* in a reused folder) —
// written while the session runs: the console's own fold (pipeline/session-fold.ts) hands each plain
// line and each key's capture to a ReportBuilder as it is cut, and the builder hands each capture on,
// unparsed, to be parsed, rendered into both files and forgotten (report-pipe.ts: on a worker thread for
// a capture, on this thread for a watcher's incident). Memory stays bounded however long the session,
// and when the last key ends only the report's end is left to write; session.raw is never read back.
// A failure here never fails the capture: the caller warns and carries on.

import type { XenConsole } from '../console/xen-console.js';
import type { SessionEvent } from '../core/session-event.js';
import { MAX_CAPTURE_TEXT } from '../pipeline/capture.js';
import { SessionFold } from '../pipeline/session-fold.js';
import { ReportBuilder } from '../report/build.js';
import { builderCutSink, builderSink } from '../report/fold-feed.js';
import type { ReportSource } from '../report/model.js';
import { openReportPipe, sameThreadPipe, type ReportPipe } from './report-pipe.js';
import { openTextSpill } from './text-spill.js';

export interface CaptureReport {
  /** The session is over: what is left is cut and both files finished. Resolves a problem's words, or null. */
  write(): Promise<string | null>;
  /** No report after all (nothing received, captures.json not written): what was begun is removed. */
  abort(): Promise<void>;
}

export interface ReportTarget {
  /** `DIR/report`: `.json` and `.md` are added; both must be new files. */
  stem: string;
  /** As the report will say it (known at the start: the JSON's `source` is written before any capture). */
  source: ReportSource;
  /** On this thread (a watcher's incidents: hundreds of consoles must not mean hundreds of threads). */
  sameThread?: boolean;
}

/** The report of `console`'s session: fed by the console's fold as lines and keys are cut. */
export function startCaptureReport(console: XenConsole, target: ReportTarget): CaptureReport {
  const report = pipedReport(target, () => console.finish());
  const sub = console.onCut(builderCutSink(report.builder, { times: false }));
  return {
    write: () => report.write().finally(() => sub.dispose()),
    abort: () => report.abort().finally(() => sub.dispose()),
  };
}

/**
 * The same for a session with no XenConsole (in-band capture through dom0's shell, an incident's
 * slice): the caller hands over every event it records, folded exactly as the console folds its own.
 */
export function startEventReport(target: ReportTarget): CaptureReport & { push(event: SessionEvent): void } {
  let lastT = 0;
  let fold: SessionFold | null = null;
  const report = pipedReport(target, () => fold?.end(lastT));
  fold = new SessionFold(builderSink(report.builder, { times: false }), { maxCaptureText: MAX_CAPTURE_TEXT });
  return {
    push(event) {
      lastT = event.t;
      fold?.push(event);
    },
    write: () => report.write(),
    abort: () => report.abort(),
  };
}

function pipedReport(target: ReportTarget, cutRest: () => void): CaptureReport & { builder: ReportBuilder } {
  const init = {
    outputs: ['json', 'md'].map((format) => ({ path: `${target.stem}.${format}`, format, replace: false })),
    findings: true,
  };
  const pipe: ReportPipe = target.sameThread ? sameThreadPipe(init) : openReportPipe(init);
  // A section's text past the parse window goes here, read back by whoever writes the files.
  const spill = openTextSpill();
  const builder: ReportBuilder = new ReportBuilder(target.source, {
    onDraft: (draft) => pipe.draft(draft, builder.source),
    spill,
  });
  let settled: Promise<string | null> | null = null;
  return {
    builder,
    write: () =>
      (settled ??= (async () => {
        try {
          cutRest();
          // The last section goes to the pipe before it is asked what it found, or it would be lost.
          builder.endInput();
          const { report } = builder.finishWithDigest(await pipe.drafted());
          await pipe.end(report);
          return null;
        } catch (error) {
          await pipe.abort().catch(() => undefined);
          return error instanceof Error ? error.message : String(error);
        } finally {
          spill.dispose();
        }
      })()),
    abort: async () => {
      if (settled) return void (await settled);
      settled = Promise.resolve(null);
      await pipe.abort().catch(() => undefined);
      spill.dispose();
    },
  };
}
