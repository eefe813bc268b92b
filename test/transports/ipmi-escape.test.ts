// The SOL escape encoder against a line-for-line model of ipmitool's processSolUserInput()
// (lib/ipmi_sol.c, 1.8.19): whatever xenkeys writes, ipmitool forwards exactly those bytes to the
// BMC and never runs an escape command, in however many reads it arrives; BREAK is `escape B`.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOL_ESCAPE, describeEscape, SolEscaper } from '../../src/transports/ipmi/ipmi-escape.js';

/** ipmitool's input loop: state persists across reads (its statics), one call per read(). */
class IpmitoolInput {
  private escapePending = false;
  private lastWasCr = true;
  readonly sent: number[] = [];
  readonly commands: string[] = [];
  constructor(private readonly escape: number) {}

  read(input: Uint8Array): void {
    for (const ch of input) {
      if (this.escapePending) {
        this.escapePending = false;
        if (ch === 0x2e || ch === 0x1a || ch === 0x18 || ch === 0x42 || ch === 0x3f) {
          this.commands.push(String.fromCharCode(ch));
          continue; // like ipmitool: last_was_cr is left as it was
        }
        if (ch !== this.escape) this.sent.push(this.escape);
        this.sent.push(ch);
      } else if (this.lastWasCr && ch === this.escape) {
        this.escapePending = true;
        continue;
      } else {
        this.sent.push(ch);
      }
      this.lastWasCr = ch === 0x0d || ch === 0x0a;
    }
  }
}

const bytesAround = (escape: number) =>
  fc.array(
    fc.oneof(fc.constantFrom(escape, 0x0d, 0x0a, 0x2e, 0x42, 0x3f, 0x1a), fc.integer({ min: 0, max: 255 })),
    {
      maxLength: 64,
    },
  );

describe('SolEscaper', () => {
  it('uses Ctrl-] by default, outside Xen’s Ctrl-A..Ctrl-Z switch range', () => {
    expect(DEFAULT_SOL_ESCAPE).toBe(0x1d);
    expect(describeEscape(0x1d)).toBe('^]');
    expect(describeEscape(0x7e)).toBe('~');
  });

  it('doubles the escape only at a line start, as ipmitool expects', () => {
    const e = new SolEscaper(0x7e);
    expect(Buffer.from(e.encode(Buffer.from('~a~\r~.\n~~x'))).toString('latin1')).toBe('~~a~\r~~.\n~~~x');
    expect(e.atLineStart).toBe(false);
    e.reset();
    expect(Buffer.from(e.encode(Buffer.from('~'))).toString()).toBe('~~');
  });

  it.each([0x1d, 0x7e, 0x21])(
    'escape 0x%s: ipmitool forwards exactly the bytes written and runs no command, however they are split',
    (escape) => {
      fc.assert(
        fc.property(fc.array(bytesAround(escape), { maxLength: 6 }), (writes) => {
          const escaper = new SolEscaper(escape);
          const ipmitool = new IpmitoolInput(escape);
          for (const w of writes) ipmitool.read(escaper.encode(Uint8Array.from(w)));
          expect(ipmitool.commands).toEqual([]);
          expect(ipmitool.sent).toEqual(writes.flat());
        }),
      );
    },
  );

  it('sends BREAK as escape + B whenever ipmitool would take it, and only then', () => {
    fc.assert(
      fc.property(bytesAround(0x1d), (before) => {
        const escaper = new SolEscaper();
        const ipmitool = new IpmitoolInput(0x1d);
        ipmitool.read(escaper.encode(Uint8Array.from(before)));
        const sequence = escaper.command('B');
        const last = before.at(-1);
        const lineStart = last === undefined || last === 0x0d || last === 0x0a;
        expect(sequence !== null).toBe(lineStart);
        if (!sequence) return;
        expect([...sequence]).toEqual([0x1d, 0x42]);
        ipmitool.read(sequence);
        expect(ipmitool.commands).toEqual(['B']);
        expect(ipmitool.sent).toEqual(before); // the BREAK itself adds no console byte
        // ipmitool stays at a line start after a command: another escape is still doubled.
        ipmitool.read(escaper.encode(Uint8Array.of(0x1d)));
        expect(ipmitool.sent.at(-1)).toBe(0x1d);
        expect(ipmitool.commands).toEqual(['B']);
      }),
    );
  });

  it('quits with escape + . at a line start', () => {
    const escaper = new SolEscaper();
    expect([...escaper.command('.')!]).toEqual([0x1d, 0x2e]);
    escaper.encode(Buffer.from('x'));
    expect(escaper.command('.')).toBeNull();
  });

  it('refuses escapes ipmitool could never read as one', () => {
    for (const bad of [0x00, 0x0a, 0x0d, 0x100, -1, 1.5])
      expect(() => new SolEscaper(bad)).toThrow(RangeError);
  });
});
