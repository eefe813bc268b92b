import { describe, expect, it } from 'vitest';
import { normaliseLine, xenTexts } from '../../src/parse/prefix.js';

describe('normaliseLine', () => {
  it('strips a doubled prefix left by two CPUs printing at once', () => {
    expect(normaliseLine('(XEN) (XEN) Xen version 4.17.7').text).toBe('Xen version 4.17.7');
    expect(normaliseLine('(XEN)  (XEN) Xen version 4.17.7').text).toBe('Xen version 4.17.7');
    expect(normaliseLine('(XEN) [   1.000000] (XEN) [   1.000001] Brought up 2 CPUs').text).toBe(
      'Brought up 2 CPUs',
    );
  });

  it('strips the (XEN) prefix and CRs, keeping the message', () => {
    expect(normaliseLine("(XEN) 'q' pressed -> dumping domain info (now = 27602746162)\r")).toMatchObject({
      kind: 'xen',
      leader: null,
      timestamp: null,
      text: "'q' pressed -> dumping domain info (now = 27602746162)",
    });
  });

  it('keeps an empty prefixed line (a trailing space trimmed or not) as an empty Xen line', () => {
    expect(normaliseLine('(XEN) ')).toMatchObject({ kind: 'xen', text: '' });
    expect(normaliseLine('(XEN)')).toMatchObject({ kind: 'xen', text: '' });
  });

  it.each([
    ['(XEN) [2026-11-21 19:32:53] Brought up 2 CPUs', 'date', '2026-11-21 19:32:53', null],
    ['(XEN) [2026-11-21 19:32:53.666] Brought up 2 CPUs', 'datems', '2026-11-21 19:32:53.666', null],
    ['(XEN) [   44.536708] Brought up 2 CPUs', 'boot', '44.536708', 44.536708],
    ['(XEN) [0000000029b465c8] Brought up 2 CPUs', 'raw', '0000000029b465c8', null],
  ])('reads the console_timestamps form of %s', (line, form, text, seconds) => {
    const n = normaliseLine(line);
    expect(n.timestamp).toEqual({ form, text, seconds });
    expect(n.text).toBe('Brought up 2 CPUs');
  });

  it('does not take key output in brackets for a timestamp', () => {
    expect(normaliseLine('(XEN) [d: dump registers]')).toMatchObject({
      timestamp: null,
      text: '[d: dump registers]',
    });
    expect(normaliseLine('(XEN) [0x001]      0 0x0a1b2c 0x00000001')).toMatchObject({ timestamp: null });
  });

  it('strips what a logger or shell put in front of the prefix', () => {
    expect(normaliseLine("/ # (XEN) 'h' pressed -> showing installed handlers")).toMatchObject({
      kind: 'xen',
      leader: '/ # ',
      text: "'h' pressed -> showing installed handlers",
    });
    expect(normaliseLine('[Fri Nov 21 20:05:33 2026](XEN) Brought up 2 CPUs').leader).toBe(
      '[Fri Nov 21 20:05:33 2026]',
    );
    expect(normaliseLine('Nov 21 20:05:33 host1 xen: (XEN) [   1.000000] Brought up 2 CPUs')).toMatchObject({
      leader: 'Nov 21 20:05:33 host1 xen: ',
      timestamp: { form: 'boot' },
      text: 'Brought up 2 CPUs',
    });
  });

  it('tells guest lines, Arm vpl011 lines and foreign lines apart', () => {
    expect(normaliseLine('(d1) [2024-01-01 10:00:00] hello')).toMatchObject({
      kind: 'guest',
      domain: 1,
      timestamp: { form: 'date' },
      text: 'hello',
    });
    expect(normaliseLine('(XEN) DOM2: booting')).toMatchObject({ kind: 'guest', domain: 2, text: 'booting' });
    expect(normaliseLine('[    0.993066] Booting kernel on Xen\r\r')).toMatchObject({
      kind: 'foreign',
      text: '[    0.993066] Booting kernel on Xen',
    });
  });

  it('survives spliced and truncated lines', () => {
    expect(normaliseLine('(XEN)     heap[15]: 645(XEN) Brought up 2 CPUs').kind).toBe('xen');
    expect(normaliseLine('(XE').kind).toBe('foreign');
    expect(normaliseLine('').kind).toBe('foreign');
    expect(xenTexts(['(XEN) a', 'b', '(d1) c'])).toEqual(['a']);
  });
});
