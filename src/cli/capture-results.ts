// After a capture: captures.json, the report beside it, and what stdout says (a summary, or one JSON
// object with --json). A capture whose connect failed received nothing, so it leaves no folder behind.

import path from 'node:path';
import { errorMessage, isXenkeysError } from '../core/errors.js';
import { isoWithZone } from '../core/iso-time.js';
import type { KeyCapture } from '../console/key-runner.js';
import { captureJson } from './capture-json.js';
import type { CaptureReport, ReportTarget } from '../capture/capture-report.js';
import { capturesDocument, type CapturesDocument } from '../capture/captures-file.js';
import { numbered, type OutDir } from './out-dir.js';
import type { Progress } from '../capture/progress.js';
import { describeWriteError } from '../record/safe-files.js';
import type { SessionFiles } from './session-files.js';
import { printCaptureSummary } from './summary.js';
import { discardUnusedSession } from './unused-session.js';
import { writeJson } from '../capture/write-json.js';
import type { CaptureResult } from '../capture/capture-options.js';
import { EXIT } from './exit-codes.js';
import { isAbort } from './signals.js';
import { VERSION } from './version.js';

export interface CaptureResultsInput {
  transport: { kind: string; description: string };
  conswitch: string;
  input: CapturesDocument['input'];
  exitCode: number;
  failure: unknown;
  interrupted: NodeJS.Signals | null;
  warnings: string[];
  captures: KeyCapture[];
  out: OutDir;
  files: SessionFiles;
  connected: boolean;
  /** The report built as the session ran; null with --no-report. */
  report: CaptureReport | null;
  json: boolean;
  progress: Progress;
  stdout: NodeJS.WritableStream;
  /** Keys pressed through dom0's xl (src/inband): the report says so in `source.capture`. */
  inband?: boolean;
}

/** Where the report built as the session runs goes, and what it says its source is. */
export function captureReportTarget(
  out: OutDir,
  files: Pick<SessionFiles, 'wallStart'>,
  description: string,
  inband = false,
): ReportTarget {
  return {
    stem: path.join(out.dir, numbered('report', out.index)),
    source: {
      kind: 'live',
      name: description,
      startedAt: isoWithZone(files.wallStart),
      ...(inband ? { capture: 'inband' as const } : {}),
    },
  };
}

/** captures.json's document: what was asked, what happened, and every key's capture. */
function documentOf(r: CaptureResultsInput): CapturesDocument & { capture?: 'inband' } {
  const document = capturesDocument({
    tool: { name: 'xenkeys', version: VERSION },
    console: { transport: r.transport.kind, description: r.transport.description, conswitch: r.conswitch },
    startedAt: isoWithZone(r.files.wallStart),
    files: { cast: path.basename(r.files.castPath), raw: path.basename(r.files.rawPath) },
    input: r.input,
    outcome: {
      exitCode: r.exitCode,
      error: r.failure ? errorMessage(r.failure) : null,
      interrupted: r.interrupted,
    },
    warnings: r.warnings,
    captures: r.captures,
  });
  return r.inband ? { ...document, capture: 'inband' } : document;
}

/** Writes what the session produced; resolves whether captures.json could be written. */
export async function writeCaptureResults(r: CaptureResultsInput): Promise<boolean> {
  try {
    return await writeResults(r);
  } finally {
    // Whatever happened, the report's worker ends and no temp file is left (a no-op once written).
    await r.report?.abort();
  }
}

async function writeResults(r: CaptureResultsInput): Promise<boolean> {
  const { out, files, progress } = r;
  const document = documentOf(r);
  const capturesPath = path.join(out.dir, `${numbered('captures', out.index)}.json`);
  const written: string[] = [];
  let capturesWritten = false;
  if (!r.connected) {
    await r.report?.abort(); // its temp files first: the folder goes only if nothing else is in it
    await discardUnusedSession([files.castPath, files.rawPath], out.dir, out.createdTop);
  } else {
    written.push(path.basename(files.castPath), path.basename(files.rawPath));
    capturesWritten = await writeJson(capturesPath, document).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        // A refusal (a planted link, a file in the way) says what it is itself.
        progress.fail(
          isXenkeysError(error)
            ? error.message
            : `could not write ${describeWriteError(error, path.basename(capturesPath))}`,
        );
        return false;
      },
    );
    if (capturesWritten) written.push(path.basename(capturesPath));
    if (r.report && capturesWritten) {
      const stem = numbered('report', out.index);
      const problem = await r.report.write();
      if (problem) progress.warn(`${stem}.* not written: ${problem}`);
      else written.push(`${stem}.json`, `${stem}.md`);
    } else await r.report?.abort();
  }
  if (r.json) {
    r.stdout.write(`${JSON.stringify(captureJson(document, r.connected ? out.dir : null, written))}\n`);
  } else if (r.connected) {
    printCaptureSummary(r.stdout, r.captures, { outDir: out.dir, files: written });
  }
  return capturesWritten;
}

/**
 * What a capture returns once its files are written: files that could not be written turn a clean
 * exit into write-failed, and the abort a signal caused is not reported as an error of its own.
 */
export function captureResult(r: {
  written: boolean;
  connected: boolean;
  exitCode: number;
  failure: unknown;
  interrupted: NodeJS.Signals | null;
  outDir: string;
  captures: KeyCapture[];
}): CaptureResult {
  return {
    exitCode: r.written || !r.connected || r.exitCode !== 0 ? r.exitCode : EXIT['write-failed'],
    outDir: r.outDir,
    captures: r.captures,
    error: r.failure && !(r.interrupted && isAbort(r.failure)) ? r.failure : null,
  };
}
