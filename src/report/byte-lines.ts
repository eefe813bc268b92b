// Bytes → line texts for the report, fast: the same texts LineSplitter gives (console/line-splitter.ts:
// split at \n, CRs and escape sequences dropped, invalid UTF-8 as U+FFFD, a leading BOM dropped), with
// the same byte offsets, but a chunk of whole lines is decoded in one go — as latin1 when it is all ASCII
// (almost always: Xen prints ASCII), as UTF-8 otherwise — and its lines are cut from that one string.
// Only an unfinished line's bytes are carried to the next chunk, never the chunk itself.

import { Buffer, isAscii } from 'node:buffer';
import { clean } from '../console/line-splitter.js';

/** A line: its text, the byte offset of its first byte, and its length in bytes including the \n. */
export type LineSink = (text: string, offset: number, length: number) => void;

const LF = 0x0a;
const CR = 13;
const BOM = [0xef, 0xbb, 0xbf] as const;
const BLOCK = 64 * 1024;

export class ByteLines {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Bytes of the line not yet ended, in pieces (a long line spans many chunks). */
  private tail: Uint8Array[] = [];
  private tailBytes = 0;
  /** Byte offset of the next chunk's first byte. */
  private offset = 0;
  private atStart = true;

  constructor(private readonly sink: LineSink) {}

  push(chunk: Uint8Array): void {
    const base = this.offset;
    this.offset += chunk.length;
    const first = chunk.indexOf(LF);
    if (first === -1) {
      this.keep(chunk);
      return;
    }
    let start = 0;
    if (this.tailBytes > 0) {
      // The carried line ends in this chunk: decode it on its own, then the rest in blocks.
      this.keep(chunk.subarray(0, first + 1));
      this.emitTail(base + first + 1);
      start = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    // A block of about BLOCK bytes at a time: small strings are cheap to make and stay in cache.
    for (let from = start; from <= last;) {
      let to = from + BLOCK >= last ? last : chunk.lastIndexOf(LF, from + BLOCK);
      if (to < from) to = chunk.indexOf(LF, from);
      this.block(chunk.subarray(from, to + 1), base + from);
      from = to + 1;
    }
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  /** End of input: the unfinished line, if any bytes of it came. */
  end(): void {
    if (this.tailBytes > 0) this.emitTail(this.offset);
  }

  private keep(bytes: Uint8Array): void {
    // A copy: the caller may reuse its buffer for the next read.
    this.tail.push(bytes.slice());
    this.tailBytes += bytes.length;
  }

  /** The carried line, which ends just before byte offset `end`. */
  private emitTail(end: number): void {
    const bytes = this.tail.length === 1 ? (this.tail[0] as Uint8Array) : concat(this.tail, this.tailBytes);
    this.tail = [];
    this.tailBytes = 0;
    this.sink(this.decodeLine(bytes), end - bytes.length, bytes.length);
  }

  private decodeLine(bytes: Uint8Array): string {
    const bom = this.takeBom(bytes);
    const body = bom ? bytes.subarray(3) : bytes;
    return clean(isAscii(body) ? latin1(body) : this.decoder.decode(body));
  }

  /** A BOM as the very first bytes is not text (LineSplitter's decoder drops it too). */
  private takeBom(bytes: Uint8Array): boolean {
    if (!this.atStart) return false;
    this.atStart = false;
    return bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
  }

  /** Whole lines (the block ends with \n): one decode, then lines cut from the string. */
  private block(bytes: Uint8Array, offset: number): void {
    if (this.takeBom(bytes)) {
      const nl = bytes.indexOf(LF);
      this.sink(clean(this.decoder.decode(bytes.subarray(3, nl + 1))), offset, nl + 1);
      if (nl + 1 < bytes.length) this.block(bytes.subarray(nl + 1), offset + nl + 1);
      return;
    }
    if (!isAscii(bytes)) {
      this.utf8Block(bytes, offset);
      return;
    }
    const s = latin1(bytes);
    // `cr` and `esc` cache the next CR and ESC at or after `at`: a plain line costs one search for its
    // \n and one for the CR that ends it. A line with an escape sequence (a shell prompt asking for the
    // cursor) is cleaned the general way; one with a CR inside has its CRs dropped.
    let at = 0;
    let cr = -1;
    let esc = -1;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', at)) {
      if (esc < at && esc !== s.length) {
        esc = s.indexOf('\x1b', at);
        if (esc === -1) esc = s.length;
      }
      if (esc < nl) {
        this.sink(clean(s.slice(at, nl + 1)), offset + at, nl + 1 - at);
        at = nl + 1;
        continue;
      }
      let end = nl;
      while (end > at && s.charCodeAt(end - 1) === CR) end--;
      if (cr < at && cr !== s.length) {
        cr = s.indexOf('\r', at);
        if (cr === -1) cr = s.length;
      }
      const text = s.slice(at, end);
      this.sink(cr < end ? text.replace(/\r/g, '') : text, offset + at, nl + 1 - at);
      at = nl + 1;
    }
  }

  /** A block with bytes ≥ 0x80: decoded as UTF-8 once; byte and text positions of \n kept in step. */
  private utf8Block(bytes: Uint8Array, offset: number): void {
    // A \n is one byte in UTF-8, never inside a sequence nor swallowed by U+FFFD: the newlines of the
    // text and of the bytes pair up one to one.
    const s = this.decoder.decode(bytes);
    let at = 0;
    let byteAt = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', at)) {
      const byteNl = bytes.indexOf(LF, byteAt);
      this.sink(clean(s.slice(at, nl + 1)), offset + byteAt, byteNl + 1 - byteAt);
      at = nl + 1;
      byteAt = byteNl + 1;
    }
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Join byte pieces whose total length is known. */
export function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
