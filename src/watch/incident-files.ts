// An incident's folder, `<console>/incidents/<UTC time>-<trigger>/`: slice.raw (the raw log from the
// context before the trigger to the end of the last key), captures.json (byte ranges into slice.raw),
// report.json / report.md with their findings, and incident.json (what fired, what happened). The
// report is folded from the slice's own events as they come, like a capture's (capture/capture-report.ts).

import path from 'node:path';
import { capturesDocument } from '../capture/captures-file.js';
import { startEventReport, type CaptureReport } from '../capture/capture-report.js';
import type { SessionEvent } from '../core/session-event.js';
import { writeJson } from '../capture/write-json.js';
import { isoWithZone } from '../core/iso-time.js';
import type { KeyCapture } from '../console/key-runner.js';
import type { InputState } from '../console/input-target.js';
import { RawLogWriter } from '../record/raw-log.js';
import { ensurePrivateDir, makePrivateDir } from '../record/safe-files.js';
import type { IncidentRun } from './incident.js';

export interface IncidentMeta {
  console: string;
  transport: { transport: string; description: string; conswitch: string };
  trigger: string;
  message: string;
  version: string;
}

export class IncidentFolder {
  private readonly raw: RawLogWriter;
  private readonly report: CaptureReport & { push(event: SessionEvent): void };
  private lastT = 0;
  private sliceBytes = 0;

  private constructor(
    readonly dir: string,
    readonly startedAt: number,
    /** Raw-log offset of slice.raw's first byte. */
    readonly base: number,
    consoleName: string,
  ) {
    this.raw = RawLogWriter.open(path.join(dir, 'slice.raw'));
    this.report = startEventReport({
      stem: path.join(dir, 'report'),
      source: { kind: 'live', name: consoleName, startedAt: isoWithZone(startedAt) },
      sameThread: true,
    });
  }

  /** A new folder named after the UTC time and trigger (numbered if taken), slice.raw begun with `context`. */
  static open(
    incidentsDir: string,
    trigger: string,
    wallNow: number,
    context: Uint8Array,
    base: number,
    consoleName: string,
  ): IncidentFolder {
    ensurePrivateDir(incidentsDir);
    const stamp = new Date(wallNow)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    for (let n = 1; ; n++) {
      const dir = path.join(incidentsDir, `${stamp}-${trigger}${n === 1 ? '' : `-${n}`}`);
      if (makePrivateDir(dir) === null) continue; // taken: never write into an existing folder
      const folder = new IncidentFolder(dir, wallNow, base, consoleName);
      folder.write(context);
      return folder;
    }
  }

  /** Bytes from before the incident (the trigger's context): raw log and report, no markers. */
  write(bytes: Uint8Array): void {
    this.raw.writeBytes(bytes);
    this.report.push({ type: 'output', t: this.lastT, bytes, offset: this.sliceBytes });
    this.sliceBytes += bytes.length;
  }

  /** The console's events while the incident runs: output to slice.raw, keys' markers to the report. */
  event(event: SessionEvent): void {
    this.lastT = event.t;
    if (event.type === 'output') this.write(event.bytes);
    else if (event.type === 'marker') this.report.push(event);
  }

  /** The incident failed before its documents: slice.raw is closed and kept, the report's temp files go. */
  async abandon(): Promise<void> {
    this.raw.close();
    await this.report.abort();
  }

  /** Closes slice.raw and writes the documents; resolves with the file names written. */
  async finish(meta: IncidentMeta, run: IncidentRun, input: InputState, endedAt: number): Promise<string[]> {
    this.raw.close();
    const captures: KeyCapture[] = run.captures.map((c) => ({
      ...c,
      rawStart: c.rawStart - this.base,
      rawEnd: c.rawEnd - this.base,
    }));
    const startedAt = isoWithZone(this.startedAt);
    const written = ['slice.raw'];
    await writeJson(path.join(this.dir, 'incident.json'), {
      schema: 'xenkeys.incident/1',
      console: meta.console,
      trigger: meta.trigger,
      message: meta.message,
      startedAt,
      endedAt: isoWithZone(endedAt),
      halted: run.halted,
      inputRestored: run.inputRestored,
      keys: captures.map((c) => c.key).join(''),
      sliceStartsAtRawOffset: this.base,
      warnings: run.warnings,
      error: run.error,
    });
    written.push('incident.json');
    await writeJson(
      path.join(this.dir, 'captures.json'),
      capturesDocument({
        tool: { name: 'xenkeys', version: meta.version },
        console: meta.transport,
        startedAt,
        files: { cast: '', raw: 'slice.raw' },
        input: { found: input.found, final: input.target, restored: run.inputRestored },
        outcome: { exitCode: run.error ? 1 : 0, error: run.error, interrupted: null },
        warnings: run.warnings,
        captures,
      }),
    );
    written.push('captures.json');
    const problem = await this.report.write();
    if (problem) run.warnings.push(`report not written: ${problem}`);
    else written.push('report.json', 'report.md');
    return written;
  }
}
