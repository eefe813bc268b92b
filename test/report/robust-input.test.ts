// Whatever bytes arrive — noise, a console at the wrong baud rate, invalid UTF-8, a line of megabytes —
// the report path neither throws nor loses a Xen line, however the bytes are chunked (the splitter's
// own chunking properties: test/pipeline/line-splitter.test.ts).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/pipeline/line-splitter.js';
import { allRecordings, expectSound, referenceLines, streamedReport } from './robust-helpers.js';

const REAL = allRecordings();

/** Real console output, garbled the ways a wrong baud rate or a noisy line garbles it. */
const garbled = fc
  .record({
    from: fc.nat(REAL.length - 1),
    length: fc.integer({ min: 0, max: 6000 }),
    flips: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { maxLength: 60 }),
    runs: fc.array(
      fc.tuple(fc.nat(), fc.constantFrom(0x00, 0xff, 0x0d, 0x0a, 0x1b), fc.integer({ min: 1, max: 300 })),
      { maxLength: 6 },
    ),
  })
  .map(({ from, length, flips, runs }) => {
    const bytes = Array.from(REAL.subarray(from, from + length));
    for (const [at, bit] of flips) if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << bit;
    for (const [at, byte, n] of runs)
      bytes.splice(at % (bytes.length + 1), 0, ...Array<number>(n).fill(byte));
    return new Uint8Array(bytes);
  });

const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  garbled,
  // Text with the characters that matter to the splitter: CR, LF, ESC, 0x9b, a BOM, multi-byte UTF-8.
  fc
    .array(fc.constantFrom('\r', '\n', '\r\n', '\x1b[6n', '\x9b', '\ufeff', 'é', '€', '😀', '(XEN) ', 'ab'), {
      maxLength: 200,
    })
    .map((parts) => new TextEncoder().encode(parts.join(''))),
);

/** [text, offset, length] of the lines of bytes cut into chunks at arbitrary points. */
function linesOf(bytes: Uint8Array, cuts: number[]): [string, number, number][] {
  const out: [string, number, number][] = [];
  const splitter = new LineSplitter((l) => out.push([l.text, l.offset, l.length]));
  let from = 0;
  for (const c of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    splitter.push(bytes.subarray(from, c));
    from = c;
  }
  splitter.push(bytes.subarray(from));
  splitter.end();
  return out;
}

describe('the line splitter on any input', () => {
  it('cuts the same lines, offsets and lengths whatever the chunking', () => {
    fc.assert(
      fc.property(anyBytes, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        expect(linesOf(bytes, cuts)).toEqual(linesOf(bytes, []));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with itself on every recording, chunked small and large', () => {
    const whole = linesOf(REAL, []);
    for (const size of [7, 4096, 1 << 20]) {
      expect(
        linesOf(
          REAL,
          Array.from({ length: Math.ceil(REAL.length / size) }, (_, i) => i * size),
        ),
      ).toEqual(whole);
    }
  });
});

describe('the report of any input', () => {
  it('is valid JSON, honours the contract and keeps every Xen line (random, garbled, invalid UTF-8)', () => {
    fc.assert(
      fc.property(anyBytes, fc.integer({ min: 1, max: 5000 }), (bytes, chunk) => {
        expectSound(streamedReport(bytes, chunk), referenceLines(bytes));
      }),
      { numRuns: 250 },
    );
  });

  it('survives a single 10 MB line, with and without a prefix, and truncated lines around it', () => {
    const input = (mb: number): Uint8Array => {
      const huge = 'x'.repeat(mb * 1024 * 1024);
      const text = `(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n(XEN) ${huge}\r\n${huge}\r\n(XEN) Gen`;
      return new TextEncoder().encode(text);
    };
    const bytes = input(10);
    const report = streamedReport(bytes, 1 << 20);
    // No time is measured here (a shared machine's load makes any ratio flaky): the line is cut into
    // pieces of at most MAX_LINE_BYTES, asserted below, so no parser ever sees more than one piece.
    // Throughput on huge lines is printed by `npm run bench` (bench/report-targets.mjs).
    expectSound(report, referenceLines(bytes));
    // Each huge line reaches the report in pieces of at most MAX_LINE_BYTES, all inside the `q`.
    const pieces = (bytes: number): number => Math.ceil(bytes / MAX_LINE_BYTES);
    const huge = 10 * 1024 * 1024;
    expect((report['captures'] as { key: string; lines: number }[]).map((c) => [c.key, c.lines])).toEqual([
      ['q', 2 + pieces(huge + 8) + pieces(huge + 2)],
    ]);
  });
});
