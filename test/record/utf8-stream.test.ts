// Streaming UTF-8 decoding: characters split across chunks decode exactly once, and invalid bytes
// become U+FFFD instead of disappearing or throwing.

import { describe, expect, it } from 'vitest';
import { Utf8Stream } from '../../src/record/utf8-stream.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('Utf8Stream', () => {
  it('decodes a multi-byte character split at every possible point exactly once', () => {
    const encoded = new TextEncoder().encode('a€b😀c');
    for (let cut = 0; cut <= encoded.length; cut += 1) {
      for (let cut2 = cut; cut2 <= encoded.length; cut2 += 1) {
        const stream = new Utf8Stream();
        const text = [encoded.subarray(0, cut), encoded.subarray(cut, cut2), encoded.subarray(cut2)]
          .map((chunk) => stream.decode(chunk))
          .join('');
        expect(text + stream.flush()).toBe('a€b😀c');
      }
    }
  });

  it('holds a partial character back until the rest arrives', () => {
    const stream = new Utf8Stream();
    expect(stream.decode(bytes(0x41, 0xe2, 0x82))).toBe('A');
    expect(stream.decode(bytes(0xac))).toBe('€');
  });

  it('turns invalid bytes into U+FFFD', () => {
    const stream = new Utf8Stream();
    expect(stream.decode(bytes(0x61, 0xff, 0x62, 0xc0, 0xaf, 0x63))).toBe('a\uFFFDb\uFFFD\uFFFDc');
    // A lead byte followed by ASCII: the broken sequence is replaced, the ASCII kept.
    expect(stream.decode(bytes(0xe2, 0x41))).toBe('\uFFFDA');
  });

  it('flushes a dangling partial character as U+FFFD and can be reused', () => {
    const stream = new Utf8Stream();
    expect(stream.decode(bytes(0xf0, 0x9f))).toBe('');
    expect(stream.flush()).toBe('\uFFFD');
    expect(stream.decode(bytes(0x78))).toBe('x');
  });

  it('keeps a BOM and NUL as content', () => {
    expect(new Utf8Stream().decode(bytes(0xef, 0xbb, 0xbf, 0x00))).toBe('\uFEFF\u0000');
  });
});
