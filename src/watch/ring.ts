// The most recent output of one console, bounded: an attaching client's scrollback and the context
// an incident's raw slice starts with. Grows on demand up to its capacity, so 500 quiet consoles
// do not each hold a full buffer. Pure.

export class ByteRing {
  private buf = new Uint8Array(0);
  /** Index of the oldest byte. */
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.length;
  }

  push(bytes: Uint8Array): void {
    if (this.capacity <= 0) return;
    const src = bytes.length > this.capacity ? bytes.subarray(bytes.length - this.capacity) : bytes;
    this.reserve(Math.min(this.capacity, this.length + src.length));
    const cap = this.buf.length;
    const overflow = Math.max(0, this.length + src.length - cap);
    this.start = (this.start + overflow) % Math.max(cap, 1);
    this.length -= overflow;
    let at = (this.start + this.length) % cap;
    let from = 0;
    while (from < src.length) {
      const n = Math.min(src.length - from, cap - at);
      this.buf.set(src.subarray(from, from + n), at);
      from += n;
      at = (at + n) % cap;
    }
    this.length += src.length;
  }

  /** The last `maxBytes` bytes (all of them by default), oldest first, as a copy. */
  tail(maxBytes = this.length): Uint8Array {
    const n = Math.max(0, Math.min(maxBytes, this.length));
    const out = new Uint8Array(n);
    const cap = this.buf.length;
    const first = (this.start + this.length - n) % Math.max(cap, 1);
    const a = Math.min(n, cap - first);
    out.set(this.buf.subarray(first, first + a), 0);
    if (a < n) out.set(this.buf.subarray(0, n - a), a);
    return out;
  }

  private reserve(need: number): void {
    if (need <= this.buf.length) return;
    let size = Math.max(4096, this.buf.length);
    while (size < need) size *= 2;
    size = Math.min(size, this.capacity);
    const next = new Uint8Array(size);
    next.set(this.tail(), 0);
    this.buf = next;
    this.start = 0;
  }
}
