// The reading side of a report written to files on two threads (`xenkeys report -o FILE`, a capture's
// report.json and report.md): captures cut by the builder go, unparsed and in batches, to
// report-worker.ts, which parses, renders and writes them. At most IN_FLIGHT bytes of capture text are
// on their way at once when the reader waits (`pause`), so memory stays bounded however far ahead the
// reader could run. Where there is no worker (tests run the TypeScript) the same files are written on
// this thread, through the same interface.

import { Worker } from 'node:worker_threads';
import { XenkeysError } from '../core/errors.js';
import type { CaptureDraft, Finished } from '../report/finisher.js';
import type { Report, ReportSource } from '../report/model.js';
import { ReportFiles } from './report-files.js';
import type { FromWorker, ToWorker, WorkerInit } from './report-worker.js';

// Drafts waiting in the worker's queue outlive its young collections: few, or they fill its old space.
const IN_FLIGHT = 2 * 1024 * 1024;
const BATCH = 256 * 1024;

export interface ReportPipe {
  draft(draft: CaptureDraft, source: ReportSource): void;
  /** Waits while too much is on its way (a batch goes once it is full, or at the end). */
  pause(): Promise<void>;
  /** Input ended: what the worker's finisher found, once it has every capture. */
  drafted(): Promise<Finished>;
  /** Write the rest of the report and close the files. */
  end(report: Report): Promise<void>;
  /** Give up: the temp files are removed and the thread stopped. */
  abort(): Promise<void>;
}

/** Whether the worker can run here: it is a compiled module (tests run the TypeScript, in-thread). */
export function canUseWorker(): boolean {
  return import.meta.url.endsWith('.js') && process.env['XENKEYS_REPORT_WORKER'] !== '0';
}

/** `onXenAddress`: each Xen address the worker's dumps print, as it is first seen. */
export function startReportPipe(
  init: WorkerInit,
  onXenAddress: (address: string) => void = () => undefined,
): ReportPipe {
  const worker = new Worker(new URL('./report-worker.js', import.meta.url), {
    workerData: init,
    // The young generation: JSON's worker makes the most short-lived text (a quarter of its time was
    // collecting at 8 MB); at 32 MB the 200 MiB log's JSON report took 4.35 s instead of 5.0 (four
    // interleaved rounds) for 26 MB more (165 MB). Markdown and HTML keep 8 MB: HTML peaks at 179 MB.
    // The old space is capped far above what the worker holds (a page's parse window and the captures
    // waiting for the `h` list: 135 MB at most, measured on a log of near-window `q` dumps): with a
    // cap V8 collects it sooner — a Markdown or HTML report of the 200 MiB log peaked 20–35 MB lower.
    resourceLimits: {
      maxYoungGenerationSizeMb: init.outputs.some((o) => o.format === 'json') ? 32 : 8,
      maxOldGenerationSizeMb: 512,
    },
  });
  let batch: CaptureDraft[] = [];
  let batchBytes = 0;
  let source: ReportSource = { kind: 'log', name: null };
  let inFlight = 0;
  let failure: Error | null = null;
  const waiters: (() => void)[] = [];
  let onFinished: ((f: Finished) => void) | null = null;
  let onClosed: (() => void) | null = null;
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'addresses') {
      for (const a of m.addresses) onXenAddress(a);
      return;
    }
    if (m.type === 'ack') inFlight -= m.bytes;
    else if (m.type === 'finished') onFinished?.({ scheduler: m.scheduler, digest: m.digest });
    else if (m.type === 'closed') onClosed?.();
    else failure ??= fromWorker(m);
    wake();
  });
  worker.on('error', (e) => ((failure ??= e), wake()));
  worker.on('exit', () => ((failure ??= new Error('the report worker stopped')), wake()));
  const post = (m: ToWorker): void => worker.postMessage(m);
  const send = (): void => {
    if (batch.length === 0) return;
    post({ type: 'drafts', drafts: batch, source, bytes: batchBytes });
    inFlight += batchBytes;
    batch = [];
    batchBytes = 0;
  };
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
    if (failure) throw failure;
  };
  return {
    draft(draft, src) {
      source = src;
      batch.push(draft);
      batchBytes += draft.text.length + 100;
      if (batchBytes >= BATCH) send();
    },
    async pause() {
      // Small batches wait for more (draft() sends a full one): each message wakes the worker, and its
      // answer this thread; one per 64 KiB read was thousands of wake-ups for a big log.
      await until(() => inFlight <= IN_FLIGHT);
    },
    async drafted() {
      send();
      let finished: Finished | null = null;
      onFinished = (f) => (finished = f);
      post({ type: 'finish' });
      await until(() => finished !== null);
      return finished as unknown as Finished;
    },
    async end(report) {
      let closed = false;
      onClosed = () => (closed = true);
      post({ type: 'end', report });
      await until(() => closed);
      await worker.terminate();
    },
    async abort() {
      if (!failure) {
        let closed = false;
        onClosed = () => (closed = true);
        post({ type: 'abort' });
        await until(() => closed).catch(() => undefined);
      }
      await worker.terminate();
    },
  };
}

/** The worker where it can run, else the same files written on this thread. */
export function openReportPipe(init: WorkerInit, onXenAddress?: (address: string) => void): ReportPipe {
  return canUseWorker() ? startReportPipe(init, onXenAddress) : sameThreadPipe(init, onXenAddress);
}

/**
 * ReportFiles driven directly, in order: drafts are parsed and written a batch at a time as they come
 * (a capture's console never pauses), or when the reader pauses or ends.
 */
export function sameThreadPipe(
  init: WorkerInit,
  onXenAddress: (address: string) => void = () => undefined,
): ReportPipe {
  const opened = ReportFiles.open(init);
  let chain: Promise<ReportFiles> = opened;
  chain.catch(() => undefined); // thrown where it is awaited
  let batch: CaptureDraft[] = [];
  let batchBytes = 0;
  let source: ReportSource = { kind: 'log', name: null };
  const flush = (): Promise<ReportFiles> => {
    const [drafts, src] = [batch, source];
    batch = [];
    batchBytes = 0;
    if (drafts.length > 0)
      chain = chain.then(async (files) => {
        for (const a of await files.add(drafts, src)) onXenAddress(a);
        return files;
      });
    chain.catch(() => undefined);
    return chain;
  };
  return {
    draft(draft, src) {
      source = src;
      batch.push(draft);
      batchBytes += draft.text.length + 100;
      if (batchBytes >= BATCH) void flush();
    },
    pause: async () => void (await flush()),
    drafted: async () => (await flush()).finish(),
    end: async (report) => (await chain).end(report),
    abort: async () => (await opened.catch(() => null))?.abort(),
  };
}

/** The worker's error as it was thrown there: one of ours keeps its code (the exit code) and hint. */
function fromWorker(m: Extract<FromWorker, { type: 'error' }>): Error {
  const error = m.code ? new XenkeysError(m.code, m.message, { hint: m.hint }) : new Error(m.message);
  return Object.assign(error, { stack: m.stack ?? m.message });
}
