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
