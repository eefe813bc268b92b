// Output bytes → lines, streaming and pure: the one splitter of xenkeys (live console, replay, reports).
// Split at \n (Xen's \r\n, dom0's relayed \r\r\n), CRs and escape sequences dropped (the busybox prompt
// ends in ESC[6n), invalid UTF-8 as U+FFFD, a leading BOM dropped; no emulator: Xen's console is
// line-oriented. Fast: a chunk of whole lines is decoded in one go — as latin1 when it is all ASCII
// (almost always: Xen prints ASCII), as UTF-8 otherwise — and its lines are cut from that one string.
// Only an unfinished line's bytes are carried to the next chunk, and a line is cut into pieces of at
// most MAX_LINE_BYTES (wherever the chunks fall): memory stays bounded whatever the console prints.

import { Buffer, isAscii } from 'node:buffer';
import stripAnsi from 'strip-ansi';

export interface Line {
  /** The text without line ending or escape sequences; prefixes such as "(XEN) " kept. */
  text: string;
  /** Session seconds when the line's first byte arrived, and when its end arrived. */
  t: number;
  tEnd: number;
  /** Byte offset of the line's first byte in the raw log, and its length including the line ending. */
  offset: number;
  length: number;
}

export type LineSink = (line: Line) => void;

/** A line longer than this is cut into pieces: one endless line must not hold unbounded memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 13;
const BLOCK = 64 * 1024;

export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Bytes of the line not yet ended, in pieces (a long line spans many chunks). */
  private tail: Uint8Array[] = [];
  private tailBytes = 0;
  /** The first bytes of `tail` that belong to the previous piece of a cut line (a split character). */
  private carryBytes = 0;
  private tailStart = 0;
  /** Byte offset of the next chunk's first byte, and the time of the last one. */
  private offset = 0;
  private lastT = 0;
  private atStart = true;

  constructor(private readonly sink: LineSink) {}

  /** Bytes received so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Feed a chunk that arrived at session second `t`; completed lines go to the sink. */
  push(chunk: Uint8Array, t = 0): void {
    const base = this.offset;
    this.offset += chunk.length;
    this.lastT = t;
    const first = chunk.indexOf(LF);
    if (first === -1) {
      this.keep(chunk, base, t);
      return;
    }
    let start = 0;
    if (this.tailBytes > 0) {
      // The carried line ends in this chunk: decode it on its own, then the rest in blocks.
      this.keep(chunk.subarray(0, first + 1), base, t);
      this.emitTail(base + first + 1, t, false);
      start = first + 1;
    }
    const last = chunk.lastIndexOf(LF);
    // A block of about BLOCK bytes at a time: small strings are cheap to make and stay in cache.
    for (let from = start; from <= last;) {
      let to = from + BLOCK >= last ? last : chunk.lastIndexOf(LF, from + BLOCK);
      if (to < from) to = chunk.indexOf(LF, from);
      this.block(chunk.subarray(from, to + 1), base + from, t);
      from = to + 1;
    }
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1), base + last + 1, t);
  }

  /** The unfinished line so far (a prompt, say), without consuming it. */
  peek(): string {
    if (this.tailBytes === 0) return '';
    // A streaming decode leaves out a character whose last bytes have not come yet.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: !this.atStart });
    return clean(decoder.decode(concat(this.tail, this.tailBytes), { stream: true }));
  }

  /** End of input: the unfinished line, if any bytes of it came, goes to the sink. */
  end(t = this.lastT): void {
    if (this.tailBytes > this.carryBytes) this.emitTail(this.offset, t, false);
    this.tail = [];
    this.tailBytes = 0;
    this.carryBytes = 0;
  }

  /**
   * Carry bytes (at raw offset `offset`) of a line not ended yet. A line is cut when it would grow past
   * MAX_LINE_BYTES, wherever the chunks fall, so the pieces are the same however the bytes arrive.
   */
  private keep(bytes: Uint8Array, offset: number, t: number): void {
    while (bytes.length > 0) {
      if (this.tailBytes === this.carryBytes) this.tailStart = t;
      const room = MAX_LINE_BYTES - (this.tailBytes - this.carryBytes);
      const piece = bytes.length > room ? bytes.subarray(0, room) : bytes;
      // A copy: the caller may reuse its buffer for the next read.
      this.tail.push(piece.slice());
      this.tailBytes += piece.length;
      bytes = bytes.subarray(piece.length);
      offset += piece.length;
      if (bytes.length > 0) this.emitTail(offset, t, true);
    }
  }

  /** A line that ends in a block but is too long for one piece: cut the way a carried one is. */
  private long(bytes: Uint8Array, offset: number, t: number): void {
    this.keep(bytes, offset, t);
    this.emitTail(offset + bytes.length, t, false);
  }

  /**
   * The carried line, which ends just before byte offset `end`. A line cut for length keeps a
   * character split at the cut for its next piece (as a streaming decoder would).
   */
  private emitTail(end: number, t: number, cut: boolean): void {
    let bytes = this.tail.length === 1 ? (this.tail[0] as Uint8Array) : concat(this.tail, this.tailBytes);
    const carried = this.carryBytes;
    this.tail = [];
    this.tailBytes = 0;
    this.carryBytes = 0;
    const length = bytes.length - carried;
    if (cut) {
      const split = incompleteTail(bytes);
      if (split > 0) {
        this.tail.push(bytes.slice(bytes.length - split));
        this.tailBytes = this.carryBytes = split;
        bytes = bytes.subarray(0, bytes.length - split);
      }
    }
    this.sink({ text: this.decodeLine(bytes), t: this.tailStart, tEnd: t, offset: end - length, length });
  }

  private decodeLine(bytes: Uint8Array): string {
    const body = this.takeBom(bytes) ? bytes.subarray(3) : bytes;
    return clean(isAscii(body) ? latin1(body) : this.decoder.decode(body));
  }

  /** A BOM as the very first bytes is not text. */
  private takeBom(bytes: Uint8Array): boolean {
    if (!this.atStart) return false;
    this.atStart = false;
    return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  }

  /** Whole lines (the block ends with \n): one decode, then lines cut from the string. */
  private block(bytes: Uint8Array, offset: number, t: number): void {
    if (this.atStart) {
      const nl = bytes.indexOf(LF);
      if (nl + 1 > MAX_LINE_BYTES) this.long(bytes.subarray(0, nl + 1), offset, t);
      else
        this.sink({ text: this.decodeLine(bytes.subarray(0, nl + 1)), t, tEnd: t, offset, length: nl + 1 });
      if (nl + 1 < bytes.length) this.block(bytes.subarray(nl + 1), offset + nl + 1, t);
      return;
    }
    if (!isAscii(bytes)) {
      this.utf8Block(bytes, offset, t);
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
      if (nl + 1 - at > MAX_LINE_BYTES) {
        this.long(bytes.subarray(at, nl + 1), offset + at, t);
        at = nl + 1;
        continue;
      }
      if (esc < at && esc !== s.length) {
        esc = s.indexOf('\x1b', at);
        if (esc === -1) esc = s.length;
      }
      let text: string;
      if (esc < nl) text = clean(s.slice(at, nl + 1));
      else {
        let end = nl;
        while (end > at && s.charCodeAt(end - 1) === CR) end--;
        if (cr < at && cr !== s.length) {
          cr = s.indexOf('\r', at);
          if (cr === -1) cr = s.length;
        }
        text = s.slice(at, end);
        if (cr < end) text = text.replace(/\r/g, '');
      }
      this.sink({ text, t, tEnd: t, offset: offset + at, length: nl + 1 - at });
      at = nl + 1;
    }
  }

  /** A block with bytes ≥ 0x80: decoded as UTF-8 once; byte and text positions of \n kept in step. */
  private utf8Block(bytes: Uint8Array, offset: number, t: number): void {
    // A \n is one byte in UTF-8, never inside a sequence nor swallowed by U+FFFD: the newlines of the
    // text and of the bytes pair up one to one.
    const s = this.decoder.decode(bytes);
    let at = 0;
    let byteAt = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', at)) {
      const byteNl = bytes.indexOf(LF, byteAt);
      if (byteNl + 1 - byteAt > MAX_LINE_BYTES)
        this.long(bytes.subarray(byteAt, byteNl + 1), offset + byteAt, t);
      else {
        const text = clean(s.slice(at, nl + 1));
        this.sink({ text, t, tEnd: t, offset: offset + byteAt, length: byteNl + 1 - byteAt });
      }
      at = nl + 1;
      byteAt = byteNl + 1;
    }
  }
}

/** How many bytes at the end start a UTF-8 sequence that is not complete yet (0 to 3). */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back] as number;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
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

/** Strip the line ending, carriage returns and escape sequences; keep everything else. */
export function clean(raw: string): string {
  let end = raw.length;
  if (raw.charCodeAt(end - 1) === 0x0a) end--;
  let text = end === raw.length ? raw : raw.slice(0, end);
  // Most console lines carry neither escapes nor stray CRs beyond the ending: skip the regexes then.
  if (text.includes('\x1b') || text.includes('\x9b')) text = stripAnsi(text);
  return text.includes('\r') ? text.replace(/\r/g, '') : text;
}

/** Split a whole text (a recording, a pasted log) into line texts the same way. */
export function splitText(text: string): string[] {
  const lines = text.split('\n').map((l) => clean(l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
