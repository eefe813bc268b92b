import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES, splitText, type Line } from '../../src/pipeline/line-splitter.js';
import { bytes } from '../helpers/sim-console.js';

/** A splitter and the lines it has given so far. */
function splitter(): { s: LineSplitter; lines: Line[] } {
  const lines: Line[] = [];
  return { s: new LineSplitter((l) => lines.push(l)), lines };
}

/** [text, offset, length] of every line of `chunks`, the unfinished last one included. */
function cut(chunks: readonly Uint8Array[]): [string, number, number][] {
  const { s, lines } = splitter();
  for (const c of chunks) s.push(c);
  s.end();
  return lines.map((l) => [l.text, l.offset, l.length]);
}

describe('LineSplitter', () => {
  it("ends Xen's \\r\\n and dom0's \\r\\r\\n lines, keeping prefixes and byte offsets", () => {
    const { s, lines } = splitter();
    s.push(bytes('x'.repeat(99) + '\n'), 1);
    s.push(bytes('(XEN) one\r\ndom0 line\r\r\n'), 1.5);
    expect(lines.slice(1).map((l) => l.text)).toEqual(['(XEN) one', 'dom0 line']);
    expect(lines.slice(1).map((l) => [l.offset, l.length, l.t])).toEqual([
      [100, 11, 1.5],
      [111, 12, 1.5],
    ]);
  });

  it('joins a line split across chunks and times it from its first byte', () => {
    const { s, lines } = splitter();
    s.push(bytes('(XEN) par'), 1);
    expect(lines).toEqual([]);
    expect(s.peek()).toBe('(XEN) par');
    s.push(bytes('tial\r\n'), 2);
    expect(lines[0]).toMatchObject({ text: '(XEN) partial', t: 1, tEnd: 2, offset: 0, length: 15 });
  });

  it('decodes a UTF-8 character split across chunks once', () => {
    const euro = Buffer.from('€\n', 'utf8');
    expect(cut([euro.subarray(0, 1), euro.subarray(1)])).toEqual([['€', 0, 4]]);
  });

  it('strips escape sequences such as the busybox prompt query', () => {
    const prompt = "/ # \x1b[6n(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)\r\n";
    expect(cut([bytes(prompt)])[0]?.[0]).toBe(
      "/ # (XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)",
    );
  });

  it('gives an unfinished last line at the end, once', () => {
    const { s, lines } = splitter();
    s.push(bytes('/ # '), 0);
    s.end(3);
    s.end(3);
    expect(lines.map((l) => [l.text, l.tEnd])).toEqual([['/ # ', 3]]);
  });

  it('drops a BOM only at the very start', () => {
    const text = new TextEncoder().encode('\ufeff(XEN) a\r\n\ufeff(XEN) b\n');
    expect(cut([text]).map((l) => l[0])).toEqual(['(XEN) a', '\ufeff(XEN) b']);
    expect(cut([text.subarray(0, 1), text.subarray(1, 2), text.subarray(2)]).map((l) => l[0])).toEqual([
      '(XEN) a',
      '\ufeff(XEN) b',
    ]);
  });

  it('cuts an endless line into pieces that add up to every byte, a split character kept whole', () => {
    const piece = new TextEncoder().encode('€'.repeat(20_000)); // 60 000 bytes: cuts fall mid-character
    const chunks = Array.from({ length: 40 }, () => piece);
    const lines = cut(chunks);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.reduce((n, l) => n + l[2], 0)).toBe(40 * piece.length);
    expect(Math.max(...lines.map((l) => l[2]))).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(lines.map((l) => l[0]).join('')).toBe('€'.repeat(20_000 * 40));
    lines.forEach((l, i) => i > 0 && expect(l[1]).toBe((lines[i - 1]?.[1] ?? 0) + (lines[i - 1]?.[2] ?? 0)));
  });

  it('cuts a long line into the same pieces whether it comes whole or in chunks', () => {
    const text = new TextEncoder().encode(`(XEN) ${'é'.repeat(1_500_000)}\r\n(XEN) next\r\n`);
    const whole = cut([text]);
    expect(whole.map((l) => l[2])).toEqual([
      MAX_LINE_BYTES,
      MAX_LINE_BYTES,
      text.length - 2 * MAX_LINE_BYTES - 12,
      12,
    ]);
    expect(whole.at(-1)?.[0]).toBe('(XEN) next');
    for (const size of [1000, 65_536, 1 << 20])
      expect(
        cut(
          Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
            text.subarray(i * size, (i + 1) * size),
          ),
        ),
      ).toEqual(whole);
  });

  it('splits whole texts the same way', () => {
    expect(splitText('a\r\nb\r\r\nc')).toEqual(['a', 'b', 'c']);
  });
});

describe('LineSplitter chunking', () => {
  it('gives the same lines and offsets however the bytes are chunked', () => {
    const piece = fc.constantFrom(
      '(XEN) a',
      '\r\n',
      '\r\r\n',
      '€',
      '\x1b[6n',
      '\x9b',
      '\xff',
      'é',
      '\ufeff',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.array(fc.nat(50), { maxLength: 10 }),
        (pieces, cuts) => {
          const all = Buffer.concat(pieces.map((p) => Buffer.from(p, p === '\xff' ? 'latin1' : 'utf8')));
          const chunks: Uint8Array[] = [];
          let at = 0;
          for (const c of [...cuts.sort((a, b) => a - b), all.length]) {
            const end = Math.min(Math.max(c, at), all.length);
            chunks.push(all.subarray(at, end));
            at = end;
          }
          expect(cut(chunks)).toEqual(cut([all]));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads each line as the whole text read by a decoder would, split at \\n', () => {
    const piece = fc.constantFrom('(XEN) a', '\n', '\r\n', '€', 'é', '\xff', '😀', 'ab');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const all = Buffer.concat(pieces.map((p) => Buffer.from(p, p === '\xff' ? 'latin1' : 'utf8')));
        expect(cut([all]).map((l) => l[0])).toEqual(splitText(new TextDecoder().decode(all)));
      }),
    );
  });
});
