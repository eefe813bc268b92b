// Output bytes → lines, streaming and pure (after asciinema's txt encoder, without an emulator:
// Xen's console is line-oriented). Handles Xen's `\r\n`, dom0's relayed `\r\r\n`, multi-byte
// characters split across chunks, and escape sequences (the busybox prompt ends in ESC[6n).

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

/** A line longer than this is cut into pieces: one endless line must not hold unbounded memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

export class LineSplitter {
  private decoder = new TextDecoder('utf-8', { fatal: false });
  private pending = '';
  private pendingStart = 0;
  private pendingOffset = 0;
  private pendingBytes = 0;

  /** Feed a chunk; returns the lines it completed. */
  push(bytes: Uint8Array, t: number, offset: number): Line[] {
    // Decode the chunk once. A newline is one byte in UTF-8 and never part of a multi-byte
    // sequence (nor swallowed by U+FFFD), so the text's newlines line up with the bytes' newlines.
    const text = this.decoder.decode(bytes, { stream: true });
    const lines: Line[] = [];
    let byteStart = 0;
    let textStart = 0;
    for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, byteStart)) {
      const textNl = text.indexOf('\n', textStart);
      this.append(text.slice(textStart, textNl + 1), nl + 1 - byteStart, t, offset + byteStart);
      lines.push(this.take(t));
      byteStart = nl + 1;
      textStart = textNl + 1;
    }
    if (byteStart < bytes.length) {
      this.append(text.slice(textStart), bytes.length - byteStart, t, offset + byteStart);
      if (this.pendingBytes >= MAX_LINE_BYTES) lines.push(this.take(t));
    }
    return lines;
  }

  /** The unfinished line so far (a prompt, say), without consuming it. */
  peek(): string {
    return clean(this.pending);
  }

  /** End of input: the unfinished line, if any. */
  flush(t: number): Line | null {
    this.pending += this.decoder.decode();
    if (this.pendingBytes === 0) return null;
    return this.take(t);
  }

  private append(text: string, byteLength: number, t: number, offset: number): void {
    if (this.pendingBytes === 0) {
      this.pendingStart = t;
      this.pendingOffset = offset;
    }
    this.pending += text;
    this.pendingBytes += byteLength;
  }

  private take(tEnd: number): Line {
    const line: Line = {
      text: clean(this.pending),
      t: this.pendingStart,
      tEnd,
      offset: this.pendingOffset,
      length: this.pendingBytes,
    };
    this.pending = '';
    this.pendingBytes = 0;
    return line;
  }
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
