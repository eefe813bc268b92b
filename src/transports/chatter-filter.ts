// Takes known messages out of a byte stream: a console client (conserver's `console`) prints its
// answers, "[halt sent]" and the like, in the middle of the console's own bytes. We know what we
// asked for, so we know what answer to expect: each expected message is removed once, wherever it
// starts, even split across chunks. Bytes that may be the start of one are held until it is clear.
// Pure: no timers; the transport decides when to give up waiting (flush).

export class ChatterFilter {
  private readonly expected: Buffer[] = [];
  private held = Buffer.alloc(0);

  /** Remove the next occurrence of `message` from the stream (after earlier expectations). */
  expect(message: string | Uint8Array): void {
    this.expected.push(typeof message === 'string' ? Buffer.from(message, 'latin1') : Buffer.from(message));
  }

  /** How many messages are still awaited. */
  get waiting(): number {
    return this.expected.length;
  }

  /** The console bytes in `chunk` (plus any held before), with expected messages taken out. */
  feed(chunk: Uint8Array): Uint8Array {
    let buf = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : Buffer.from(chunk);
    this.held = Buffer.alloc(0);
    const out: Buffer[] = [];
    while (this.expected.length > 0) {
      const message = this.expected[0]!;
      const at = buf.indexOf(message);
      if (at >= 0) {
        out.push(buf.subarray(0, at));
        buf = buf.subarray(at + message.length);
        this.expected.shift();
        continue;
      }
      const keep = partialTail(buf, message);
      out.push(buf.subarray(0, buf.length - keep));
      this.held = Buffer.from(buf.subarray(buf.length - keep));
      buf = Buffer.alloc(0);
      break;
    }
    out.push(buf);
    return Buffer.concat(out);
  }

  /** Stop waiting: what was held back is console data after all. */
  flush(): Uint8Array {
    this.expected.length = 0;
    const held = this.held;
    this.held = Buffer.alloc(0);
    return held;
  }
}

/** Length of the longest end of `buf` that is a proper start of `message`. */
function partialTail(buf: Buffer, message: Buffer): number {
  for (let k = Math.min(buf.length, message.length - 1); k > 0; k--) {
    if (buf.subarray(buf.length - k).equals(message.subarray(0, k))) return k;
  }
  return 0;
}
