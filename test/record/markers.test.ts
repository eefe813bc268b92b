// The marker label grammar: readable labels for every marker type, exact round trips (odd keys
// included), and arbitrary text falling back to notes without ever being misread.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMarker, parseMarker, type Marker } from '../../src/record/markers.js';

const examples: [Marker, string][] = [
  [
    { type: 'key-start', key: 'q', description: 'dump domain (and guest debug) info' },
    'key q: dump domain (and guest debug) info',
  ],
  [{ type: 'key-start', key: 'q', description: null }, 'key q'],
  [
    { type: 'key-end', key: 'q', lines: 312, bytes: 18422, reason: 'quiet' },
    'key q end: 312 lines, 18422 bytes (quiet)',
  ],
  [
    { type: 'key-end', key: 'h', lines: 1, bytes: 1, reason: 'timeout (no output)' },
    'key h end: 1 line, 1 byte (timeout (no output))',
  ],
  [{ type: 'switch-request', to: null }, 'switch requested'],
  [{ type: 'switch-request', to: 'xen' }, 'switch requested -> xen'],
  [{ type: 'input', target: 'dom0' }, 'input dom0'],
  [
    { type: 'gap', reason: 'reconnected after SOL session closed by BMC' },
    'gap: reconnected after SOL session closed by BMC',
  ],
  [{ type: 'gap', reason: '' }, 'gap'],
  [{ type: 'note', text: 'user pressed F2' }, 'user pressed F2'],
  [{ type: 'note', text: '' }, ''],
];

describe('marker labels', () => {
  it.each(examples)('%j is written as %j and read back', (marker, label) => {
    expect(formatMarker(marker)).toBe(label);
    expect(parseMarker(label)).toEqual(marker);
  });

  it('parses odd keys unambiguously', () => {
    for (const key of [':', '*', '%', '+', ' ', '\\', '(', '"', 'e', 'é']) {
      for (const description of [null, '', 'dump', ': tricky', ' end: 3 lines, 4 bytes (x)']) {
        const start: Marker = { type: 'key-start', key, description };
        expect(parseMarker(formatMarker(start))).toEqual(start);
      }
      const end: Marker = { type: 'key-end', key, lines: 0, bytes: 12, reason: 'limit) (x' };
      expect(parseMarker(formatMarker(end))).toEqual(end);
    }
    expect(parseMarker('key :: dump')).toEqual({ type: 'key-start', key: ':', description: 'dump' });
    expect(parseMarker('key : end: 2 lines, 9 bytes (quiet)')).toMatchObject({ type: 'key-end', key: ':' });
  });

  it('reads unknown labels as notes', () => {
    for (const label of [
      'keyboard',
      'key qq',
      'key q end: many lines',
      'switched',
      'inputs',
      'gaps',
      'hello',
    ]) {
      expect(parseMarker(label)).toEqual({ type: 'note', text: label });
    }
  });

  it('escapes notes that would read as another marker', () => {
    for (const text of ['key q', 'input xen', 'gap', 'switch requested', 'note: x', 'note: ']) {
      const label = formatMarker({ type: 'note', text });
      expect(label).toBe(`note: ${text}`);
      expect(parseMarker(label)).toEqual({ type: 'note', text });
    }
  });

  it('refuses keys that are not one character', () => {
    expect(() => formatMarker({ type: 'key-start', key: 'qq', description: null })).toThrow(RangeError);
    expect(() => formatMarker({ type: 'key-end', key: '', lines: 0, bytes: 0, reason: '' })).toThrow(
      RangeError,
    );
  });

  it('round-trips any marker (property)', () => {
    const text = fc.string({ unit: 'binary' });
    const key = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
    const count = fc.nat();
    const marker: fc.Arbitrary<Marker> = fc.oneof(
      fc.record({ type: fc.constant('key-start' as const), key, description: fc.option(text) }),
      fc.record({ type: fc.constant('key-end' as const), key, lines: count, bytes: count, reason: text }),
      fc.record({ type: fc.constant('switch-request' as const), to: fc.option(text) }),
      fc.record({ type: fc.constant('input' as const), target: text }),
      fc.record({ type: fc.constant('gap' as const), reason: text }),
      fc.record({ type: fc.constant('note' as const), text }),
    );
    fc.assert(
      fc.property(marker, (m) => {
        expect(parseMarker(formatMarker(m))).toEqual(m);
      }),
    );
  });

  it('parses any text to some marker without throwing (property)', () => {
    fc.assert(
      fc.property(fc.string(), (label) => {
        expect(parseMarker(label).type).toBeTypeOf('string');
      }),
    );
  });
});
