// A report's files written from drafts (captures cut but not parsed): each draft is parsed and described
// once (report/finisher.ts) and rendered into every output as it completes — report.json and report.md
// of a capture, or the one file of `report -o` — so no capture is held longer than the `h` list asks.
// The worker thread runs one (report-worker.ts); report-pipe.ts runs one on this thread where there is
// no worker. Files are temp files put in place at the end (report-output.ts).

import {
  CaptureFinisher,
  HOLD_BYTES_STREAMING,
  type CaptureDraft,
  type Finished,
} from '../report/finisher.js';
import { FindingsFold } from '../report/findings/digest-fold.js';
import type { Report, ReportSource } from '../report/model.js';
import { getRenderer, type ReportStreamRenderer } from '../report/renderers.js';
import { fileOutput, type ChunkOutput } from './report-output.js';
import { streamOf, type StreamStart } from './report-stream.js';

export interface OutputSpec {
  path: string;
  /** A built-in renderer's name: json, md, html. */
  format: string;
  /** A file the user named is replaced; a session's files are only ever new (refused if one exists). */
  replace: boolean;
}

export interface ReportFilesInit {
  outputs: OutputSpec[];
  /** false: no findings' digest (a benchmark's baseline). */
  findings: boolean;
}

interface Output {
  out: ChunkOutput;
  streams: StreamStart;
  stream: ReportStreamRenderer | null;
}

export class ReportFiles {
  private source: ReportSource = { kind: 'log', name: null };
  private addresses: string[] = [];
  private readonly finisher: CaptureFinisher;

  private constructor(
    private readonly outputs: Output[],
    findings: boolean,
  ) {
    this.finisher = new CaptureFinisher(
      (capture) => {
        for (const o of this.outputs)
          for (const piece of this.started(o).capture(capture)) o.out.write(piece);
      },
      HOLD_BYTES_STREAMING,
      findings ? new FindingsFold((a) => this.addresses.push(a)) : null,
    );
  }

  /** Opens every output's temp file (nothing is left behind if one cannot be opened). */
  static async open(init: ReportFilesInit): Promise<ReportFiles> {
    const outputs: Output[] = [];
    try {
      for (const spec of init.outputs) {
        const renderer = getRenderer(spec.format);
        if (!renderer) throw new Error(`unknown format ${spec.format}`);
        const out = await fileOutput(spec.path, { replace: spec.replace });
        outputs.push({ out, streams: streamOf(renderer), stream: null });
      }
    } catch (error) {
      for (const o of outputs) await o.out.abort();
      throw error;
    }
    return new ReportFiles(outputs, init.findings);
  }

  /** Parses, renders and writes them; returns the Xen addresses their dumps printed first. */
  async add(drafts: readonly CaptureDraft[], source: ReportSource): Promise<string[]> {
    this.source = source;
    for (const draft of drafts) this.finisher.add(draft);
    for (const o of this.outputs) await o.out.flush();
    const addresses = this.addresses;
    this.addresses = [];
    return addresses;
  }

  /** Input ended: the captures held for the `h` list go out, and what the finisher found. */
  finish(): Finished {
    return this.finisher.finish();
  }

  /** The rest of each file, from the finished report; then each is put in place. */
  async end(report: Report): Promise<void> {
    this.source = report.source;
    for (const o of this.outputs) {
      for (const chunk of this.started(o).end(report)) o.out.write(chunk);
      await o.out.close();
      o.streams.dispose();
    }
  }

  /** Give up: every temp file (and spool) is removed. */
  async abort(): Promise<void> {
    for (const o of this.outputs) {
      await o.out.abort().catch(() => undefined);
      o.streams.dispose();
    }
  }

  private started(o: Output): ReportStreamRenderer {
    return (o.stream ??= o.streams.start(() => this.source));
  }
}
