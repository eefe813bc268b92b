// Reads any recording back as SessionEvents, for replay and reports: asciicast v1/v2/v3 or a raw
// log (or any plain text), told apart by content, not by file name. The conversion itself is pure
// (recordingFromText / recordingFromCast); readRecording adds the file reading, streamed for casts.

import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SessionEvent } from '../core/session-event.js';
import {
  CastParser,
  parseCast,
  sniffCastVersion,
  type CastEvent,
  type CastHeader,
  type CastWarning,
  type ParsedCast,
} from './asciicast.js';

export interface Recording {
  kind: 'cast' | 'raw';
  /** The (v2-normalised) cast header; null for a raw log. */
  header: CastHeader | null;
  /**
   * Output events carry the UTF-8 bytes of the cast's text and a running offset over them; for a
   * cast made from invalid bytes these are the decoded (U+FFFD) bytes, not the raw log's.
   */
  events: SessionEvent[];
  warnings: CastWarning[];
}

/** How much of a file decides cast vs raw; headers are far shorter. */
const SNIFF_BYTES = 64 * 1024;

export async function readRecording(path: string): Promise<Recording> {
  const handle = await open(path, 'r');
  let prefix: Uint8Array;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    prefix = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (sniffCastVersion(new TextDecoder().decode(prefix)) === null) {
    const bytes = await readFile(path);
    return recordingFromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  // Streamed line by line so a long cast is never held as one string.
  const parser = new CastParser({ source: basename(path) });
  const events: CastEvent[] = [];
  for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
    for (const event of parser.push(chunk)) events.push(event);
  }
  for (const event of parser.end()) events.push(event);
  if (parser.header === null || parser.sourceVersion === null)
    throw new Error('unreachable: end() checks the header');
  return recordingFromCast({
    header: parser.header,
    events,
    warnings: parser.warnings,
    sourceVersion: parser.sourceVersion,
  });
}

/** Pure variant of readRecording for text already in memory; `name` appears in error messages. */
export function recordingFromText(text: string, name: string): Recording {
  if (sniffCastVersion(text.slice(0, SNIFF_BYTES)) === null)
    return recordingFromBytes(new TextEncoder().encode(text));
  return recordingFromCast(parseCast(text, { source: name }));
}

/** A raw log is one output event at t=0 holding every byte. */
export function recordingFromBytes(bytes: Uint8Array): Recording {
  const events: SessionEvent[] = bytes.length === 0 ? [] : [{ type: 'output', t: 0, bytes, offset: 0 }];
  return { kind: 'raw', header: null, events, warnings: [] };
}

export function recordingFromCast(cast: ParsedCast): Recording {
  const warnings = [...cast.warnings];
  const events: SessionEvent[] = [];
  const skipped = new Map<string, number>();
  let offset = 0;
  for (const e of cast.events) {
    const event = sessionEventOf(e, offset);
    if (event) {
      events.push(event);
      if (event.type === 'output') offset += event.bytes.length;
    } else if (e.code !== 'x') {
      // Malformed resizes and codes from newer writers have no SessionEvent; 'x' (v3's exit
      // status) has none either but is expected, so it goes without a warning.
      const what = e.code === 'r' ? 'r (malformed size)' : e.code;
      skipped.set(what, (skipped.get(what) ?? 0) + 1);
    }
  }
  for (const [code, count] of skipped) {
    warnings.push({ line: null, message: `skipped ${count} event(s) with code ${JSON.stringify(code)}` });
  }
  return { kind: 'cast', header: cast.header, events, warnings };
}

const encoder = new TextEncoder();

/** One cast event as a SessionEvent (output at raw-log byte `offset`), or null for codes without one. */
export function sessionEventOf({ time: t, code, data }: CastEvent, offset: number): SessionEvent | null {
  if (code === 'o') return { type: 'output', t, bytes: encoder.encode(data), offset };
  if (code === 'i') return { type: 'input', t, bytes: encoder.encode(data) };
  if (code === 'm') return { type: 'marker', t, label: data };
  if (code === 'r' && /^\d+x\d+$/.test(data)) {
    const [cols = 0, rows = 0] = data.split('x').map(Number);
    return { type: 'resize', t, cols, rows };
  }
  return null;
}
