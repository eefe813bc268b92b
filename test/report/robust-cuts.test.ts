// A log cut short — the conserver rotated, the host died mid-dump, a mail was pasted in part — still
// gives a sound report: every recording's raw log is cut after every line and at random byte offsets,
// and every cast after every event line (a killed writer's cast), and each report must honour the
// contract and keep every Xen line of what it was given.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CastFormatError } from '../../src/record/asciicast.js';
import { ReportBuilder, reportFromLines } from '../../src/report/build.js';
import { CastFeed } from '../../src/report/cast-feed.js';
import { contractProblems } from '../../src/report/contract-check.js';
import { NAMES, expectSound, recordingBytes, referenceLines, streamedReport } from './robust-helpers.js';

describe.each(NAMES)('recording %s, cut short', (name) => {
  const raw = recordingBytes(name);
  const lines = referenceLines(raw);

  // A report per prefix is quadratic by construction (seconds of CPU for the big dump): a generous
  // timeout, so a loaded shared machine fails no test that does no more work than usual.
  it('after every line', { timeout: 180_000 }, () => {
    for (let k = 0; k <= lines.length; k++) {
      const cut = lines.slice(0, k);
      expectSound(reportFromLines(cut, { kind: 'log', name: null }), cut);
    }
  });

  it('at random byte offsets, streamed in random chunks', () => {
    fc.assert(
      fc.property(fc.nat(raw.length), fc.integer({ min: 1, max: 70_000 }), (at, chunk) => {
        const cut = raw.subarray(0, at);
        expectSound(streamedReport(cut, chunk), referenceLines(cut));
      }),
      { numRuns: 40 },
    );
  });

  it('as a cast, after every event line and inside the last one', () => {
    const cast = new TextDecoder().decode(recordingBytes(name, 'session.cast'));
    const ends = [...cast.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1);
    const report = (text: string): unknown => {
      const builder = new ReportBuilder({ kind: 'recording', name: null });
      const feed = new CastFeed(builder);
      feed.push(text);
      feed.end();
      return builder.finish();
    };
    // Without its whole header it is not a cast: an error that says so, not a crash.
    expect(() => report(cast.slice(0, (ends[0] ?? 0) - 7))).toThrow(CastFormatError);
    for (const [i, end] of ends.entries()) {
      // A writer killed mid-line leaves part of its last event: the parser drops it, with a warning.
      const cuts = i === 0 ? [end] : [end, Math.max(ends[i - 1] ?? 0, end - 7)];
      for (const at of cuts) expect(contractProblems(report(cast.slice(0, at)))).toEqual([]);
    }
  });
});
