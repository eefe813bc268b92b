import { describe, expect, it } from 'vitest';
import { LineSplitter, splitText } from '../../src/console/line-splitter.js';
import { bytes } from '../helpers/sim-console.js';

describe('LineSplitter', () => {
  it("ends Xen's \\r\\n and dom0's \\r\\r\\n lines, keeping prefixes and byte offsets", () => {
    const s = new LineSplitter();
    const lines = s.push(bytes('(XEN) one\r\ndom0 line\r\r\n'), 1.5, 100);
    expect(lines.map((l) => l.text)).toEqual(['(XEN) one', 'dom0 line']);
    expect(lines.map((l) => [l.offset, l.length])).toEqual([
      [100, 11],
      [111, 12],
    ]);
  });

  it('joins a line split across chunks and times it from its first byte', () => {
    const s = new LineSplitter();
    expect(s.push(bytes('(XEN) par'), 1, 0)).toEqual([]);
    expect(s.peek()).toBe('(XEN) par');
    const [line] = s.push(bytes('tial\r\n'), 2, 9);
    expect(line).toMatchObject({ text: '(XEN) partial', t: 1, tEnd: 2, offset: 0, length: 15 });
  });

  it('decodes a UTF-8 character split across chunks once', () => {
    const s = new LineSplitter();
    const euro = Buffer.from('€\n', 'utf8');
    s.push(euro.subarray(0, 1), 0, 0);
    expect(s.push(euro.subarray(1), 0, 1)[0]?.text).toBe('€');
  });

  it('strips escape sequences such as the busybox prompt query', () => {
    const s = new LineSplitter();
    const [line] = s.push(
      bytes("/ # \x1b[6n(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)\r\n"),
      0,
      0,
    );
    expect(line?.text).toBe("/ # (XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)");
  });

  it('flushes an unfinished last line', () => {
    const s = new LineSplitter();
    s.push(bytes('/ # '), 0, 0);
    expect(s.flush(3)?.text).toBe('/ # ');
    expect(s.flush(3)).toBeNull();
  });

  it('splits whole texts the same way', () => {
    expect(splitText('a\r\nb\r\r\nc')).toEqual(['a', 'b', 'c']);
  });
});

describe('LineSplitter chunking', () => {
  it('gives the same lines and offsets however the bytes are chunked', async () => {
    const fc = await import('fast-check');
    const piece = fc.constantFrom('(XEN) a', '\r\n', '\r\r\n', '€', '\x1b[6n', '\xff', 'é', ' ', 'x');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.array(fc.nat(50), { maxLength: 10 }),
        (pieces, cuts) => {
          const all = Buffer.concat(pieces.map((p) => Buffer.from(p, p === '\xff' ? 'latin1' : 'utf8')));
          const whole = new LineSplitter();
          const expected = [...whole.push(all, 0, 0), whole.flush(0)]
            .filter(Boolean)
            .map((l) => [l!.text, l!.offset, l!.length]);
          const split = new LineSplitter();
          const got: unknown[] = [];
          let at = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), all.length]) {
            const end = Math.min(Math.max(cut, at), all.length);
            got.push(...split.push(all.subarray(at, end), 0, at).map((l) => [l.text, l.offset, l.length]));
            at = end;
          }
          const tail = split.flush(0);
          if (tail) got.push([tail.text, tail.offset, tail.length]);
          expect(got).toEqual(expected);
        },
      ),
    );
  });
});
