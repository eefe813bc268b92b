// The attach protocol between a watcher and `xenkeys connect --attach` (docs/attach.md): frames of
// [type: u8][length: u32 big-endian][payload], at most MAX_FRAME bytes of payload. JSON payloads are
// UTF-8; console bytes travel raw. No I/O here: the server and the client own their sockets.

import { XenkeysError } from '../core/errors.js';
import type { HubStatus } from './hub.js';

export const PROTOCOL_VERSION = 1;
/** A frame bigger than this is a broken or hostile peer: the connection is dropped. */
export const MAX_FRAME = 1024 * 1024;
/** Console bytes (scrollback, live output) go out in frames of at most this much. */
export const DATA_CHUNK = 64 * 1024;

export const FRAME = {
  // client → watcher
  hello: 0x01,
  input: 0x02,
  statusRequest: 0x03,
  // watcher → client
  welcome: 0x81,
  refused: 0x82,
  scrollback: 0x83,
  data: 0x84,
  notice: 0x85,
  ack: 0x86,
  status: 0x87,
} as const;

export type AttachMode = 'ro' | 'rw';

export interface Hello {
  v: number;
  /** The console the client means (its socket's name): a mismatch is refused. */
  name: string;
  mode: AttachMode;
  /** Who is attaching (user@host pid N), shown to others as the seat holder. Self-declared. */
  who: string;
  /** With mode rw: take a read-only seat instead of being refused when the writer seat is held. */
  fallback?: boolean;
  /** How much scrollback to send (bytes); the watcher caps it. */
  scrollback?: number;
}

export interface Welcome {
  v: number;
  name: string;
  /** What was granted (ro when rw fell back). */
  mode: AttachMode;
  status: HubStatus;
}

export type RefusalReason = 'no-such-console' | 'seat-taken' | 'bad-hello';

export interface Refused {
  reason: RefusalReason;
  message: string;
  /** The seat holder, for seat-taken. */
  writer?: string | null;
}

export interface Frame {
  type: number;
  payload: Buffer;
}

export function frame(type: number, payload: Uint8Array | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

export function jsonFrame(type: number, value: unknown): Buffer {
  return frame(type, JSON.stringify(value));
}

/** Console bytes as frames of at most DATA_CHUNK. */
export function dataFrames(type: number, bytes: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += DATA_CHUNK)
    out.push(frame(type, bytes.subarray(at, at + DATA_CHUNK)));
  return out;
}

/** INPUT: [seq u32][bytes]; the watcher answers each with one ACK. */
export function inputFrame(seq: number, bytes: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(seq >>> 0, 0);
  return frame(FRAME.input, Buffer.concat([head, bytes]));
}

/** ACK: [seq u32][ok u8][why, UTF-8, when not ok]. */
export function ackFrame(seq: number, error?: string): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(seq >>> 0, 0);
  head.writeUInt8(error === undefined ? 1 : 0, 4);
  return frame(FRAME.ack, Buffer.concat([head, Buffer.from(error ?? '', 'utf8')]));
}

export function parseInput(payload: Buffer): { seq: number; bytes: Buffer } {
  if (payload.length < 4) throw protocolError('input frame too short');
  return { seq: payload.readUInt32BE(0), bytes: payload.subarray(4) };
}

export function parseAck(payload: Buffer): { seq: number; error: string | undefined } {
  if (payload.length < 5) throw protocolError('ack frame too short');
  const ok = payload.readUInt8(4) === 1;
  return { seq: payload.readUInt32BE(0), error: ok ? undefined : payload.subarray(5).toString('utf8') };
}

export function parseJson<T>(payload: Buffer, what: string): T {
  try {
    return JSON.parse(payload.toString('utf8')) as T;
  } catch {
    throw protocolError(`${what} is not JSON`);
  }
}

export function parseHello(payload: Buffer): Hello {
  const h = parseJson<Partial<Hello>>(payload, 'hello');
  if (
    typeof h !== 'object' ||
    h === null ||
    h.v !== PROTOCOL_VERSION ||
    typeof h.name !== 'string' ||
    (h.mode !== 'ro' && h.mode !== 'rw') ||
    typeof h.who !== 'string'
  ) {
    throw protocolError(`bad hello (this watcher speaks attach protocol v${PROTOCOL_VERSION})`);
  }
  const scrollback = typeof h.scrollback === 'number' && h.scrollback >= 0 ? h.scrollback : undefined;
  return {
    v: h.v,
    name: h.name,
    mode: h.mode,
    who: h.who,
    fallback: h.fallback === true,
    ...(scrollback !== undefined ? { scrollback } : {}),
  };
}

/** Splits a byte stream into frames; throws on an oversized frame (the caller drops the peer). */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Frame[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    while (this.buffer.length >= 5) {
      const length = this.buffer.readUInt32BE(1);
      if (length > MAX_FRAME) throw protocolError(`frame of ${length} bytes is over the ${MAX_FRAME} limit`);
      if (this.buffer.length < 5 + length) break;
      frames.push({ type: this.buffer.readUInt8(0), payload: this.buffer.subarray(5, 5 + length) });
      this.buffer = this.buffer.subarray(5 + length);
    }
    return frames;
  }
}

function protocolError(message: string): XenkeysError {
  return new XenkeysError('bad-input', `attach protocol: ${message}`);
}

/**
 * The socket file for a console name: letters, digits, `_`, `-` and inner dots stay; every other
 * byte becomes %XX, so any name maps to one flat file name and back.
 */
export function socketFileName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  let out = '';
  for (const [i, b] of bytes.entries()) {
    const c = String.fromCharCode(b);
    out +=
      /[A-Za-z0-9_-]/.test(c) || (c === '.' && i > 0)
        ? c
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `${out}.sock`;
}

/** The console name a socket file stands for, or null for any other file. */
export function consoleNameOf(fileName: string): string | null {
  if (!fileName.endsWith('.sock')) return null;
  try {
    return decodeURIComponent(fileName.slice(0, -'.sock'.length));
  } catch {
    return null;
  }
}
