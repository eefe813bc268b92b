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

export class LineSplitter {
  private decoder = new TextDecoder('utf-8', { fatal: false });
  private pending = '';
  private pendingStart = 0;
  private pendingOffset = 0;
  private pendingBytes = 0;

  /** Feed a chunk; returns the lines it completed. */
  push(bytes: Uint8Array, t: number, offset: number): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0x0a) continue;
      this.append(bytes.subarray(start, i + 1), t, offset + start);
      lines.push(this.take(t));
      start = i + 1;
    }
    if (start < bytes.length) this.append(bytes.subarray(start), t, offset + start);
    return lines;
  }

  /** The unfinished line so far (a prompt, say), without consuming it. */
  peek(): string {
    return clean(this.pending + this.decoder.decode(new Uint8Array(0), { stream: true }));
  }

  /** End of input: the unfinished line, if any. */
  flush(t: number): Line | null {
    this.pending += this.decoder.decode();
    if (this.pendingBytes === 0) return null;
    return this.take(t);
  }

  private append(bytes: Uint8Array, t: number, offset: number): void {
    if (this.pendingBytes === 0) {
      this.pendingStart = t;
      this.pendingOffset = offset;
    }
    this.pending += this.decoder.decode(bytes, { stream: true });
    this.pendingBytes += bytes.length;
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
  return stripAnsi(raw.replace(/\r*\n$/, '')).replace(/\r/g, '');
}

/** Split a whole text (a recording, a pasted log) into line texts the same way. */
export function splitText(text: string): string[] {
  const lines = text.split('\n').map((l) => clean(l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
