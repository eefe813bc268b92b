// Reads report inputs — xenkeys/asciinema casts, raw logs, plain text, stdin (`-`) — into one
// ReportBuilder, streamed: files are read 64 KiB at a time, raw and plain logs cut into lines on
// their bytes and casts parsed event by event and re-cut by their markers as they go — both through
// the one session fold (pipeline/session-fold.ts; report/cast-feed.ts for casts). Nothing holds an input whole, so a 200 MB log costs its captures in flight,
// not its size. Between chunks `pause` lets the caller write out what the builder handed it.

import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { XenkeysError } from '../core/errors.js';
import { sniffCastVersion, type CastHeader } from '../record/asciicast.js';
import { ReportBuilder } from '../report/build.js';
import { concat } from '../pipeline/line-splitter.js';
import { SessionFold } from '../pipeline/session-fold.js';
import { CastFeed } from '../report/cast-feed.js';
import { builderSink } from '../report/fold-feed.js';
import type { FindingsDigest } from '../report/findings/digest.js';
import type { CaptureDraft, Finished } from '../report/finisher.js';
import type { Report, ReportCapture, ReportSource } from '../report/model.js';
import { sourceMetaFromCast } from '../report/source-meta.js';
import type { TextSpill } from '../report/text-rest.js';
import { describeHead, xenkeysDocument } from './input-kind.js';
import { sessionFileOf } from './session-folder.js';

const SNIFF_BYTES = 64 * 1024;
// Read a MiB at a time (fewer trips to the thread pool), handed on 64 KiB at a time: what one piece
// turns into before the next pause (lines, captures in flight) stays small — with 1 MiB pieces the same
// report took half as much memory again, and no less time.
const READ_BYTES = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

export interface InputOptions {
  /** Each capture as it completes (then forgotten: finish()'s report has none), with the source. */
  onCapture?: (capture: ReportCapture, source: ReportSource) => void;
  /**
   * Or each capture unparsed, for a finisher elsewhere (report-pipe.ts: a worker thread) whose result
   * `drafted` resolves to once the input has ended.
   */
  drafts?: {
    onDraft: (draft: CaptureDraft, source: ReportSource) => void;
    drafted: () => Promise<Finished>;
  };
  /** Awaited after each chunk read (a writer draining what onCapture gave it). */
  pause?: () => Promise<void>;
  /** Where a capture's text past the parse window goes (report/text-rest.ts); else it is held. */
  spill?: TextSpill;
  /** Ctrl-C: reading stops at the next chunk (stdin waiting for bytes is woken), with signal.reason. */
  signal?: AbortSignal;
  /** false: no findings (the baseline a benchmark measures them against). */
  findings?: boolean;
  /** Each Xen address the dumps print, when first seen (a symboliser starts on them at once). */
  onXenAddress?: (address: string) => void;
  /** At the end: the digest the findings were made from (its addresses, dom0's stack words). */
  onDigest?: (digest: FindingsDigest) => void;
}

/** A chunked byte source: a file read into one reused buffer, or a stream. */
type Chunks = AsyncIterable<Uint8Array>;

export async function reportFromInputs(
  given: readonly string[],
  stdin: NodeJS.ReadableStream = process.stdin,
  options: InputOptions = {},
): Promise<Report> {
  const inputs = await Promise.all(given.map(sessionFileOf));
  const names = inputs.map((i) => (i === '-' ? null : path.basename(i)));
  // The source is the first input's kind, known once its first bytes are read: before any capture.
  const source = (kind: ReportSource['kind']): ReportSource => ({
    kind,
    name: names[0] ?? null,
    ...(inputs.length > 1 ? { files: names.map((n) => n ?? '-') } : {}),
  });
  const { onCapture, drafts, spill, findings, onXenAddress } = options;
  const builder: ReportBuilder = new ReportBuilder(source('log'), {
    findings,
    onXenAddress,
    ...(drafts
      ? { onDraft: (draft: CaptureDraft) => drafts.onDraft(draft, builder.source) }
      : onCapture
        ? { onCapture: (capture: ReportCapture) => onCapture(capture, builder.source) }
        : {}),
    ...(spill ? { spill } : {}),
  });
  const pause = options.pause ?? (async () => undefined);
  const seen: string[] = [];
  // A raw log beside its captures.json: the console and the start come from there.
  const rawMeta = inputs[0] === undefined ? {} : await metaBesideRaw(inputs[0]);
  for (const [i, input] of inputs.entries()) {
    try {
      const chunks = input === '-' ? streamChunks(stdin, options.signal) : fileChunks(input, options.signal);
      await feed(
        builder,
        chunks,
        input,
        pause,
        (kind, meta = kind === 'log' ? rawMeta : {}) => {
          if (i === 0) builder.source = { ...source(kind), ...meta };
        },
        (looks) => seen.push(`${input === '-' ? 'stdin' : input} is ${looks}`),
      );
    } catch (error) {
      if (error instanceof XenkeysError) throw error;
      if (options.signal?.aborted) throw options.signal.reason;
      throw new XenkeysError('bad-input', `cannot read ${input}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  // The last section goes to the worker before it is asked what it found, or it would be lost.
  builder.endInput();
  const { report, digest } = builder.finishWithDigest(drafts ? await drafts.drafted() : undefined);
  // A report of nothing would read "no alarming events": say instead that there was nothing to read.
  if (report.stats.xenLines === 0 && report.stats.guestLines === 0 && report.events.length === 0) {
    throw new XenkeysError('bad-input', `no Xen console output found: ${seen.join('; ')}`, {
      hint: "Give what a Xen console printed: a capture folder, its session.cast or session.raw, or text with '(XEN)' lines.",
    });
  }
  options.onDigest?.(digest);
  return report;
}

function castMeta(prefix: string): Pick<ReportSource, 'target' | 'startedAt' | 'capture'> {
  try {
    const header: unknown = JSON.parse((prefix.split('\n', 1)[0] ?? '').replace(/^\uFEFF/, ''));
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return {};
    return sourceMetaFromCast(header as CastHeader);
  } catch {
    return {}; // a pretty-printed v1 document: its header is not one line
  }
}

async function metaBesideRaw(input: string): Promise<Pick<ReportSource, 'target' | 'startedAt' | 'capture'>> {
  if (input === '-' || !input.endsWith('.raw')) return {};
  try {
    const doc = JSON.parse(await readFile(path.join(path.dirname(input), 'captures.json'), 'utf8')) as {
      schema?: unknown;
      console?: { description?: unknown };
      startedAt?: unknown;
    };
    if (doc.schema !== 'xenkeys.captures/1') return {};
    const target = doc.console?.description;
    const startedAt = doc.startedAt;
    return {
      ...(typeof target === 'string' ? { target } : {}),
      ...(typeof startedAt === 'string' ? { startedAt } : {}),
    };
  } catch {
    return {};
  }
}

/** One input: its first bytes say cast or log, then the rest streams through the matching feed. */
async function feed(
  builder: ReportBuilder,
  chunks: Chunks,
  name: string,
  pause: () => Promise<void>,
  kind: (kind: ReportSource['kind'], meta?: Partial<ReportSource>) => void,
  looks: (what: string) => void,
): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    // Copies: a file's buffer is reused by the next read.
    head.push(next.value.slice());
    size += next.value.length;
  }
  const all = async function* (): AsyncGenerator<Uint8Array> {
    yield* head;
    if (done) return;
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value;
  };
  const first = concat(head, size).subarray(0, SNIFF_BYTES);
  const prefix = new TextDecoder().decode(first);
  const doc = xenkeysDocument(prefix);
  if (doc) throw new XenkeysError('bad-input', `${name} is ${doc.what}`, { hint: doc.hint });
  if (sniffCastVersion(prefix) !== null) {
    kind('recording');
    const cast = new CastFeed(builder, name === '-' ? '-' : path.basename(name));
    // From the header line, before any capture: a streaming renderer writes the source with the first.
    kind('recording', castMeta(prefix));
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of all()) {
      cast.push(decoder.decode(chunk, { stream: true }));
      await pause();
    }
    cast.push(decoder.decode());
    cast.end();
    looks('an asciicast recording');
    return;
  }
  kind('log');
  const fold = new SessionFold(builderSink(builder, { times: false }), {
    maxCaptureText: builder.windowChars,
  });
  let total = 0;
  for await (const chunk of all()) {
    total += chunk.length;
    fold.output(chunk, 0);
    await pause();
  }
  fold.end();
  looks(describeHead(first, total));
}

async function* fileChunks(file: string, signal: AbortSignal | undefined): Chunks {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(READ_BYTES);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      for (let at = 0; at < bytesRead; at += CHUNK_BYTES)
        yield buffer.subarray(at, Math.min(bytesRead, at + CHUNK_BYTES));
    }
  } finally {
    await handle.close();
  }
}

async function* streamChunks(stream: NodeJS.ReadableStream, signal: AbortSignal | undefined): Chunks {
  // An abort destroys the stream, which wakes a read waiting for bytes that may never come.
  if (signal) addAbortSignal(signal, stream as Readable);
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    signal?.throwIfAborted();
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}
