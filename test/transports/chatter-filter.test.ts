// The filter that takes conserver's own answers out of the console stream: each expected message
// once, wherever it falls, split anywhere; everything else untouched.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatterFilter } from '../../src/transports/chatter-filter.js';

const text = (u: Uint8Array) => Buffer.from(u).toString('latin1');

describe('ChatterFilter', () => {
  it('passes everything when nothing is expected', () => {
    const f = new ChatterFilter();
    expect(text(f.feed(Buffer.from('[halt sent]\r\n')))).toBe('[halt sent]\r\n');
  });

  it('removes an expected message once, even when split, and holds only a possible start', () => {
    const f = new ChatterFilter();
    f.expect('[halt sent]\r\n');
    expect(text(f.feed(Buffer.from('abc[ha')))).toBe('abc');
    expect(text(f.feed(Buffer.from('lt sent]\r\nxyz[halt sent]\r\n')))).toBe('xyz[halt sent]\r\n');
    expect(f.waiting).toBe(0);
  });

  it('gives held bytes back on flush when the message never comes', () => {
    const f = new ChatterFilter();
    f.expect('[quote \\035]');
    expect(text(f.feed(Buffer.from('a[quo')))).toBe('a');
    expect(text(f.flush())).toBe('[quo');
    expect(text(f.feed(Buffer.from('[quote \\035]')))).toBe('[quote \\035]');
  });

  it('loses no other byte, for any data and any cuts (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.nat(), { maxLength: 6 }), (before, after, cuts) => {
        const message = '[halt sent]\r\n';
        const all = Buffer.from(before.replaceAll('[', '(') + message + after, 'latin1');
        const f = new ChatterFilter();
        f.expect(message);
        const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        const out: Uint8Array[] = [];
        for (const p of [...points, all.length]) {
          out.push(f.feed(all.subarray(from, p)));
          from = p;
        }
        out.push(f.flush());
        expect(text(Buffer.concat(out))).toBe(before.replaceAll('[', '(') + after);
      }),
    );
  });
});
