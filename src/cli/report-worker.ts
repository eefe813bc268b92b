// The worker thread of `xenkeys report -o FILE` (report-pipe.ts starts it): it parses the captures the
// reading thread cuts, describes them (finisher.ts), renders them and writes the file, while the reading
// thread reads on — the parsers and the JSON are half the work, and a second core takes them. Messages
// are handled one at a time, in order.

import { parentPort, workerData } from 'node:worker_threads';
import {
  CaptureFinisher,
  HOLD_BYTES_STREAMING,
  type CaptureDraft,
  type Finished,
} from '../report/finisher.js';
import { FindingsFold } from '../report/findings/digest-fold.js';
import type { Report, ReportSource } from '../report/model.js';
import { getRenderer, type ReportStreamRenderer } from '../report/renderers.js';
import { fileOutput } from '../capture/report-output.js';
import { streamOf } from './report-stream.js';

export interface WorkerInit {
  output: string;
  format: string;
  /** false: no findings' digest (a benchmark's baseline). */
  findings: boolean;
}

export type ToWorker =
  | { type: 'drafts'; drafts: CaptureDraft[]; source: ReportSource; bytes: number }
  | { type: 'finish' }
  | { type: 'end'; report: Report }
  | { type: 'abort' };

export type FromWorker =
  | { type: 'ack'; bytes: number }
  /** Xen addresses the dumps printed, first seen in the last drafts (the reader starts symbolising). */
  | { type: 'addresses'; addresses: string[] }
  | ({ type: 'finished' } & Finished)
  | { type: 'closed' }
  | { type: 'error'; message: string; stack: string | null };

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('report-worker runs as a worker thread');
  const { output, format, findings } = workerData as WorkerInit;
  const renderer = getRenderer(format);
  if (!renderer) throw new Error(`unknown format ${format}`);
  const { start, dispose } = streamOf(renderer);
  const out = await fileOutput(output);
  let source: ReportSource = { kind: 'log', name: null };
  let stream: ReportStreamRenderer | null = null;
  let addresses: string[] = [];
  const finisher = new CaptureFinisher(
    (capture) => {
      for (const piece of (stream ??= start(() => source)).capture(capture)) out.write(piece);
    },
    HOLD_BYTES_STREAMING,
    undefined,
    findings ? new FindingsFold((a) => addresses.push(a)) : null,
  );
  const send = (message: FromWorker): void => port.postMessage(message);
  const handle = async (m: ToWorker): Promise<void> => {
    if (m.type === 'drafts') {
      source = m.source;
      for (const draft of m.drafts) finisher.add(draft);
      if (addresses.length > 0) send({ type: 'addresses', addresses });
      addresses = [];
      await out.flush();
      send({ type: 'ack', bytes: m.bytes });
    } else if (m.type === 'finish') {
      send({ type: 'finished', ...finisher.finish() });
    } else if (m.type === 'end') {
      for (const chunk of (stream ??= start(() => m.report.source)).end(m.report)) out.write(chunk);
      await out.close();
      dispose();
      send({ type: 'closed' });
    } else {
      await out.abort();
      dispose();
      send({ type: 'closed' });
    }
  };
  let queue = Promise.resolve();
  let failed = false;
  port.on('message', (m: ToWorker) => {
    queue = queue
      .then(() => (failed ? undefined : handle(m)))
      .catch(async (error: unknown) => {
        // The first failure ends the report: its temp file goes, and the reader is told why.
        failed = true;
        await out.abort().catch(() => undefined);
        dispose();
        const e = error instanceof Error ? error : new Error(String(error));
        send({ type: 'error', message: e.message, stack: e.stack ?? null });
      });
  });
}

run().catch((error: unknown) => {
  const e = error instanceof Error ? error : new Error(String(error));
  parentPort?.postMessage({ type: 'error', message: e.message, stack: e.stack ?? null } satisfies FromWorker);
});
