// Reads report inputs — xenkeys/asciinema casts, raw logs, plain text, stdin (`-`) — into one
// ReportBuilder. Casts are re-cut by their markers (held in memory, as replay does); raw and plain
// inputs are streamed line by line so a 200 MB log is never held whole.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { capturesFromEvents } from '../console/captures-from-events.js';
import { LineSplitter } from '../console/line-splitter.js';
import { XenkeysError } from '../core/errors.js';
import { sniffCastVersion } from '../record/asciicast.js';
import { readRecording, recordingFromText } from '../record/session-reader.js';
import { addRecut, ReportBuilder } from '../report/build.js';
import type { Report, ReportSource } from '../report/model.js';

const SNIFF_BYTES = 64 * 1024;

export async function reportFromInputs(
  inputs: readonly string[],
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<Report> {
  const builder = new ReportBuilder({ kind: 'log', name: null });
  const kinds: ReportSource['kind'][] = [];
  for (const input of inputs) {
    try {
      kinds.push(input === '-' ? await feedStream(builder, stdin, '-') : await feedFile(builder, input));
    } catch (error) {
      if (error instanceof XenkeysError) throw error;
      throw new XenkeysError('bad-input', `cannot read ${input}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const report = builder.finish();
  const names = inputs.map((i) => (i === '-' ? null : path.basename(i)));
  report.source = {
    kind: kinds[0] ?? 'log',
    name: names[0] ?? null,
    ...(inputs.length > 1 ? { files: names.map((n) => n ?? '-') } : {}),
  };
  return report;
}

async function feedFile(builder: ReportBuilder, file: string): Promise<ReportSource['kind']> {
  const handle = await open(file, 'r');
  let prefix: string;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    prefix = new TextDecoder().decode(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
  if (sniffCastVersion(prefix) !== null) {
    const recording = await readRecording(file);
    addRecut(builder, capturesFromEvents(recording.events));
    return 'recording';
  }
  await feedLines(builder, createReadStream(file));
  return 'log';
}

async function feedStream(
  builder: ReportBuilder,
  stream: NodeJS.ReadableStream,
  name: string,
): Promise<ReportSource['kind']> {
  // Look at the start to tell a cast from a log; a cast is then read whole, a log streamed on.
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    size += chunk.length;
  }
  const rest = async function* (): AsyncIterable<Buffer> {
    yield* head;
    if (done) return;
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) {
      yield typeof n.value === 'string' ? Buffer.from(n.value) : n.value;
    }
  };
  if (sniffCastVersion(new TextDecoder().decode(Buffer.concat(head))) !== null) {
    const chunks: Buffer[] = [];
    for await (const chunk of rest()) chunks.push(chunk);
    const recording = recordingFromText(Buffer.concat(chunks).toString('utf8'), name);
    addRecut(builder, capturesFromEvents(recording.events));
    return 'recording';
  }
  await feedLines(builder, rest());
  return 'log';
}

async function feedLines(builder: ReportBuilder, chunks: AsyncIterable<Buffer | string>): Promise<void> {
  const splitter = new LineSplitter();
  let offset = 0;
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (const line of splitter.push(bytes, 0, offset)) builder.addLine(line.text);
    offset += bytes.length;
  }
  const tail = splitter.flush(0);
  if (tail) builder.addLine(tail.text);
}
