// The asciicast codecs: v2 encode/parse round trips, v3 and v1 normalisation, line-numbered errors,
// tolerance of a killed writer's torn last line, and the streaming parser matching the whole-text one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isXenkeysError } from '../../src/core/errors.js';
import {
  CastFormatError,
  CastParser,
  encodeEvent,
  encodeHeader,
  formatTime,
  parseCast,
  sniffCastVersion,
  type CastEvent,
  type CastHeader,
} from '../../src/record/asciicast.js';

const header: CastHeader = { version: 2, width: 80, height: 24, timestamp: 1700000000, title: 'xen01' };
const cast = (h: CastHeader, events: CastEvent[]): string =>
  encodeHeader(h) + events.map(encodeEvent).join('');

function parseError(text: string): CastFormatError {
  try {
    parseCast(text, { source: 'x.cast' });
  } catch (error) {
    expect(error).toBeInstanceOf(CastFormatError);
    return error as CastFormatError;
  }
  throw new Error('expected a CastFormatError');
}

describe('encoding', () => {
  it('prints times with at most 6 decimals and no exponent', () => {
    expect(formatTime(0)).toBe('0');
    expect(formatTime(1.5)).toBe('1.5');
    expect(formatTime(3)).toBe('3');
    expect(formatTime(1e-7)).toBe('0');
    expect(formatTime(0.0000015)).toMatch(/^0\.00000[12]$/);
    expect(formatTime(123.4567891)).toBe('123.456789');
    expect(formatTime(-1)).toBe('0');
    expect(formatTime(Number.NaN)).toBe('0');
    expect(encodeEvent({ time: 2.25e-5, code: 'o', data: 'x' })).toBe('[0.000023, "o", "x"]\n');
  });

  it('writes the header as one line, version first, unknown keys kept', () => {
    const line = encodeHeader({ ...header, version: 2, custom: { a: 1 } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(line.startsWith('{"version":2,"width":80,"height":24')).toBe(true);
    expect(parseCast(line).header).toEqual({ ...header, custom: { a: 1 } });
  });

  it('round-trips awkward data: quotes, backslashes, control chars, ESC, NUL, U+2028, emoji', () => {
    const awkward = [
      '"quoted"',
      'back\\slash',
      '\u0000\u0001\u001f\u007f',
      '\u001b[1;31mred\u001b[0m',
      '\r\n\t',
      '\u2028\u2029',
      '😀 ü',
    ];
    const events = awkward.map((data, i) => ({ time: i * 0.5, code: 'o', data }));
    const text = cast(header, events);
    expect(text.split('\n')).toHaveLength(events.length + 2); // nothing raw-newline inside a line
    expect(parseCast(text).events).toEqual(events);
  });

  it('round-trips any well-formed string and time (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.string({ unit: 'binary' })), {
          maxLength: 20,
        }),
        (pairs) => {
          let t = 0;
          const events = pairs.map(([dt, data]) => ({
            time: (t = Math.round((t + dt) * 1e6) / 1e6),
            code: 'o',
            data,
          }));
          expect(parseCast(cast(header, events)).events).toEqual(events);
        },
      ),
    );
  });
});

describe('parsing v2', () => {
  it('keeps unknown event codes and skips blank lines, comments and CRLF endings', () => {
    const text = `${encodeHeader(header)}\r\n[0.1, "o", "a"]\r\n\n# note\n[0.2, "z", "future"]\n[0.3, "m", "key q"]\n`;
    const parsed = parseCast(text);
    expect(parsed.sourceVersion).toBe(2);
    expect(parsed.events).toEqual([
      { time: 0.1, code: 'o', data: 'a' },
      { time: 0.2, code: 'z', data: 'future' },
      { time: 0.3, code: 'm', data: 'key q' },
    ]);
    expect(parsed.warnings).toEqual([]);
  });

  it('clamps times that go backwards and says so once', () => {
    const text = `${encodeHeader(header)}[1, "o", "a"]\n[0.5, "o", "b"]\n[0.7, "o", "c"]\n[2, "o", "d"]\n`;
    const parsed = parseCast(text);
    expect(parsed.events.map((e) => e.time)).toEqual([1, 1, 1, 2]);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatchObject({ line: 3 });
  });

  it('drops a torn last line (a killed writer) with a warning', () => {
    const text = `${encodeHeader(header)}[0.1, "o", "a"]\n[0.2, "o", "b"]\n[0.3, "o", "unfini`;
    const parsed = parseCast(text);
    expect(parsed.events.map((e) => e.data)).toEqual(['a', 'b']);
    expect(parsed.warnings).toEqual([{ line: 4, message: expect.stringMatching(/incomplete last line/) }]);
  });

  it('accepts a complete last line without a newline', () => {
    expect(parseCast(`${encodeHeader(header)}[0.1, "o", "a"]`).events).toHaveLength(1);
  });

  it('accepts a header-only file and a BOM', () => {
    expect(parseCast(`\uFEFF${encodeHeader(header)}`).events).toEqual([]);
  });
});

describe('errors carry the line number and a snippet', () => {
  it('reports invalid JSON in the middle of the file', () => {
    const error = parseError(`${encodeHeader(header)}[0.1, "o", "a"]\n[0.2, "o", oops]\n[0.3, "o", "c"]\n`);
    expect(error.line).toBe(3);
    expect(error.snippet).toBe('[0.2, "o", oops]');
    expect(error.message).toMatch(/^x\.cast line 3: /);
    expect(isXenkeysError(error, 'bad-input')).toBe(true);
  });

  it('reports events of the wrong shape', () => {
    expect(parseError(`${encodeHeader(header)}\n\n[0.1, "o"]\n`).line).toBe(4);
    expect(parseError(`${encodeHeader(header)}{"t": 1}\n`).line).toBe(2);
    expect(parseError(`${encodeHeader(header)}["1", "o", "x"]\n`).line).toBe(2);
  });

  it('rejects non-casts, bad headers and unknown versions on line 1', () => {
    expect(parseError('hello world\n').line).toBe(1);
    expect(parseError('{"version": 7, "width": 80, "height": 24}\n').message).toMatch(
      /unsupported asciicast version 7/,
    );
    expect(parseError('{"version": 2, "width": 0, "height": 24}\n').message).toMatch(/width and height/);
    expect(parseError('["version", 2]\n').message).toMatch(/JSON object/);
    expect(parseError('').message).toMatch(/no asciicast header/);
  });

  it('refuses event times no recording has (1e308 s, v2, v3 and v1), saying where', () => {
    const v3 = '{"version": 3, "term": {"cols": 80, "rows": 24}}\n[0.5, "o", "a"]\n[1e308, "o", "b"]\n';
    expect(parseError(v3)).toMatchObject({ line: 3, message: /event time .* not a plausible/ });
    expect(parseError(`${encodeHeader(header)}[1e9, "o", "b"]\n`).line).toBe(2);
    expect(parseError('{"version": 1, "width": 80, "height": 24, "stdout": [[1e300, "x"]]}').message).toMatch(
      /not a plausible recording time/,
    );
  });

  it('snips long offending lines', () => {
    const error = parseError(`${encodeHeader(header)}[0.1, "o", ${'x'.repeat(500)}]\n[0.2, "o", "b"]\n`);
    expect(error.snippet.length).toBeLessThan(70);
  });
});

describe('parsing v3', () => {
  it('turns intervals into absolute times and term into width/height', () => {
    const text = [
      '{"version": 3, "term": {"cols": 100, "rows": 40, "type": "xterm-256color"}, "timestamp": 1700000000, "tags": ["a"]}',
      '# a comment',
      '[0.1, "o", "a"]',
      '[0.2, "o", "b"]',
      '[0, "m", "key q"]',
      '[0.1, "r", "90x30"]',
      '[1.5, "x", "0"]',
      '',
    ].join('\n');
    const parsed = parseCast(text);
    expect(parsed.sourceVersion).toBe(3);
    expect(parsed.header).toEqual({
      version: 2,
      width: 100,
      height: 40,
      timestamp: 1700000000,
      tags: ['a'],
      term: { type: 'xterm-256color' },
    });
    expect(parsed.events).toEqual([
      { time: 0.1, code: 'o', data: 'a' },
      { time: 0.3, code: 'o', data: 'b' },
      { time: 0.3, code: 'm', data: 'key q' },
      { time: 0.4, code: 'r', data: '90x30' },
      { time: 1.9, code: 'x', data: '0' },
    ]);
  });

  it('needs term.cols and term.rows', () => {
    expect(parseError('{"version": 3, "width": 80, "height": 24}\n').message).toMatch(/term/);
  });
});

describe('parsing v1', () => {
  const v1 = {
    version: 1,
    width: 80,
    height: 25,
    duration: 1.5,
    command: '/bin/bash',
    title: null,
    env: { TERM: 'xterm', SHELL: null },
    stdout: [
      [0.25, 'hello'],
      [1.0, '\r\n'],
      [0.25, 'bye'],
    ],
  };

  it('converts compact and pretty-printed documents to absolute output events', () => {
    for (const text of [JSON.stringify(v1), JSON.stringify(v1, null, 2)]) {
      const parsed = parseCast(text);
      expect(parsed.sourceVersion).toBe(1);
      expect(parsed.header).toMatchObject({
        version: 2,
        width: 80,
        height: 25,
        duration: 1.5,
        command: '/bin/bash',
        env: { TERM: 'xterm' },
      });
      expect(parsed.events).toEqual([
        { time: 0.25, code: 'o', data: 'hello' },
        { time: 1.25, code: 'o', data: '\r\n' },
        { time: 1.5, code: 'o', data: 'bye' },
      ]);
      // title: null is the wrong type for a title; it is dropped with a warning.
      expect(parsed.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/title/)]);
    }
  });

  it('reports the line of a JSON error in a pretty-printed document', () => {
    const lines = JSON.stringify(v1, null, 2).split('\n');
    lines[5] = `${lines[5] ?? ''} ,,`;
    expect(parseError(lines.join('\n')).line).toBeGreaterThanOrEqual(6);
  });

  it('rejects bad stdout frames', () => {
    expect(parseError(JSON.stringify({ ...v1, stdout: [[0.1, 5]] })).message).toMatch(/stdout\[0\]/);
  });
});

describe('CastParser (streaming)', () => {
  it('gives the same result fed one character at a time as parseCast on the whole text', () => {
    const text = `${encodeHeader(header)}[0.1, "o", "a\\u001b"]\n# c\n[0.2, "m", "key q: dump"]\n[0.3, "o", "torn`;
    const parser = new CastParser();
    const events: CastEvent[] = [];
    for (const ch of text) events.push(...parser.push(ch));
    events.push(...parser.end());
    const whole = parseCast(text);
    expect(events).toEqual(whole.events);
    expect(parser.header).toEqual(whole.header);
    expect(parser.warnings).toEqual(whole.warnings);
  });

  it('yields events as soon as their line is complete', () => {
    const parser = new CastParser();
    expect(parser.push(encodeHeader(header))).toEqual([]);
    expect(parser.header).toEqual(header);
    expect(parser.push('[0.1, "o", "a"]')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ time: 0.1, code: 'o', data: 'a' }]);
  });
});

describe('sniffCastVersion', () => {
  it('tells casts from other text by their header', () => {
    expect(sniffCastVersion(encodeHeader(header))).toBe(2);
    expect(sniffCastVersion('{"version": 3, "term": {"cols": 1, "rows": 1}}\n')).toBe(3);
    expect(sniffCastVersion('{\n  "version": 1,\n  "width": 80')).toBe(1);
    expect(sniffCastVersion('{"version": 2, "width": 80, "height": 24, "env": {"A": "cut sho')).toBe(2);
    expect(sniffCastVersion('(XEN) Xen version 4.19\n')).toBeNull();
    expect(sniffCastVersion('{"level": "info"}\n')).toBeNull();
    expect(sniffCastVersion('')).toBeNull();
  });
});
