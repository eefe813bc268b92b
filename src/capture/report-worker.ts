// The worker thread of a report written to files (report-pipe.ts starts it): it parses the captures the
// reading thread cuts, describes them, renders them and writes the files (report-files.ts), while the
// reading thread reads on — the parsers and the rendering are half the work, and a second core takes
// them. Messages are handled one at a time, in order.

import { parentPort, workerData } from 'node:worker_threads';
import { type ErrorCode, XenkeysError } from '../core/errors.js';
import type { CaptureDraft, Finished } from '../report/finisher.js';
import type { Report, ReportSource } from '../report/model.js';
import { ReportFiles, type ReportFilesInit } from './report-files.js';

export type WorkerInit = ReportFilesInit;

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
  /** `code` and `hint`: a XenkeysError's (a full disk says which file, and what to do). */
  | { type: 'error'; message: string; stack: string | null; code?: ErrorCode; hint?: string };

async function run(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('report-worker runs as a worker thread');
  const files = await ReportFiles.open(workerData as WorkerInit);
  const send = (message: FromWorker): void => port.postMessage(message);
  const handle = async (m: ToWorker): Promise<void> => {
    if (m.type === 'drafts') {
      const addresses = await files.add(m.drafts, m.source);
      if (addresses.length > 0) send({ type: 'addresses', addresses });
      send({ type: 'ack', bytes: m.bytes });
    } else if (m.type === 'finish') {
      send({ type: 'finished', ...files.finish() });
    } else if (m.type === 'end') {
      await files.end(m.report);
      send({ type: 'closed' });
    } else {
      await files.abort();
      send({ type: 'closed' });
    }
  };
  let queue = Promise.resolve();
  let failed = false;
  port.on('message', (m: ToWorker) => {
    queue = queue
      .then(() => (failed ? undefined : handle(m)))
      .catch(async (error: unknown) => {
        // The first failure ends the report: its temp files go, and the reader is told why.
        failed = true;
        await files.abort();
        send(errorMessageOf(error));
      });
  });
}

run().catch((error: unknown) => parentPort?.postMessage(errorMessageOf(error)));

function errorMessageOf(error: unknown): FromWorker {
  const e = error instanceof Error ? error : new Error(String(error));
  const ours = error instanceof XenkeysError ? { code: error.code, hint: error.hint } : {};
  return { type: 'error', message: e.message, stack: e.stack ?? null, ...ours };
}
