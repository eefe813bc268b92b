import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordingFromText } from '../../src/record/session-reader.js';
import { ReportBuilder, reportFromLines } from '../../src/report/build.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { parsedAs } from '../../src/report/model.js';
import { renderJson, renderJsonChunks } from '../../src/report/render-json.js';
import { getRenderer, registerRenderer, rendererNames } from '../../src/report/renderers.js';
import { lines } from '../parse/lines.js';
import { contractProblems } from '../../src/report/contract-check.js';

const LOG = lines(`
(XEN) Xen version 4.17.7 (root@debian) (gcc (Debian 12.2.0-14) 12.2.0) debug=n Sun Nov  1 00:00:00 UTC 2026
(XEN) Command line: placeholder dom0_mem=768M noreboot
(XEN) Using scheduler: SMP Credit Scheduler rev2 (credit2)
(XEN) Brought up 2 CPUs
(XEN) *** Building a PV Dom0 ***
(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)
(XEN) 'h' pressed -> showing installed handlers
(XEN)  key '%' (ascii '25') => trap to xendbg
(XEN)  key 'm' (ascii '6d') => memory info
(XEN) '%' pressed -> trapping into debugger
(XEN) Physical memory information:
(XEN)     Dom heap: 766308kB free
(XEN)     a line from a future Xen
(XEN) ****************************************
(XEN) Panic on CPU 1:
(XEN) Xen BUG at common/foo.c:42
(XEN) ****************************************
`);

describe('ReportBuilder', () => {
  it('builds a contract report from plain lines: platform, captures, events, descriptions from h', () => {
    const report = reportFromLines(LOG, { kind: 'log', name: 'x.log' });
    expect(contractProblems(JSON.parse(renderJson(report)))).toEqual([]);
    expect(report.platform).toMatchObject({
      xenVersion: '4.17.7',
      commandLine: 'placeholder dom0_mem=768M noreboot',
      cpus: 2,
      scheduler: 'credit2',
      dom0Mode: 'pv',
    });
    expect(report.captures.map((c) => [c.key, c.description, c.lines, c.start, c.parsed === null])).toEqual([
      ['h', 'showing installed handlers', 3, null, false],
      ['%', 'trap to xendbg', 1, null, true],
      ['m', 'memory info', 3, null, false],
    ]);
    // Not understood is not dropped: the unknown line stays in text and in `unrecognised`.
    const m = report.captures[2];
    expect(m?.text).toContain('a line from a future Xen');
    expect(parsedAs(m!, 'm')?.unrecognised).toEqual(['(XEN)     a line from a future Xen']);
    expect(parsedAs(m!, 'q')).toBeNull();
    expect(report.events.map((e) => [e.type, e.cpu, e.message])).toEqual([
      ['input-switch', null, "*** Serial input to Xen (type 'CTRL-a' three times to switch input)"],
      ['panic', 1, 'Xen BUG at common/foo.c:42'],
    ]);
    expect(report.stats).toMatchObject({ lines: LOG.length, xenLines: LOG.length, unattributedXenLines: 10 });
  });

  it('mixes marker captures with plain lines, in input order, closing an open section first', () => {
    const b = new ReportBuilder({ kind: 'recording', name: 'a.cast' });
    b.addLine('(XEN) Physical memory information:');
    b.addLine('(XEN)     Dom heap: 1kB free');
    b.addCapture({
      key: 'q',
      description: 'dump domain (and guest debug) info',
      start: 12.5,
      lines: [
        "(XEN) 'q' pressed -> dumping domain info (now = 1)",
        '(XEN) General information for domain 0:',
      ],
      end: 13.5,
      endReason: 'quiet',
    });
    b.addCapture({ key: 'w', description: null, start: 14, lines: [], endReason: 'cap' });
    b.addLine('(XEN) Dumping timer queues:');
    const r = b.finish();
    expect(r.captures.map((c) => [c.key, c.found, c.start, c.complete])).toEqual([
      ['m', 'first-line', null, true],
      ['q', 'marker', 12.5, true],
      ['w', 'marker', 14, false],
      ['a', 'first-line', null, true],
    ]);
    expect(parsedAs(r.captures[1]!, 'q')?.domains.map((d) => d.id)).toEqual([0]);
    expect(r.captures[2]).toMatchObject({ lines: 0, text: '' });
  });

  it('takes the scheduler from `r` when the boot log is missing, and says so', () => {
    const r = reportFromLines(
      ['(XEN) sched_smt_power_savings: disabled', '(XEN) Scheduler: null Scheduler (null)'],
      {
        kind: 'log',
        name: null,
      },
    );
    expect(r.platform).toMatchObject({ scheduler: 'null', sources: { scheduler: 'run-queues' } });
  });

  it('times sections found in a cast without key markers by their first line', () => {
    const cast = [
      '{"version": 2, "width": 80, "height": 24}',
      '[1.5, "o", "(XEN) \'q\' pressed -> dumping domain info (now = 1)\\r\\n"]',
      '[1.6, "o", "(XEN) General information for domain 0:\\r\\n"]',
    ].join('\n');
    const r = reportFromRecording(recordingFromText(cast, 'tui.cast'), 'tui.cast');
    expect(r.captures.map((c) => [c.key, c.start, c.found, c.lines])).toEqual([['q', 1.5, 'header', 2]]);
  });

  it('never throws and always honours the contract, whatever the lines', () => {
    const piece = fc.constantFrom(
      ...LOG,
      '(XEN) [d: dump registers]',
      "(XEN) 'w' pressed -> dumping console ring buffer (dmesg)",
      '',
    );
    const line = fc.oneof(
      fc.string(),
      piece,
      fc.tuple(piece, fc.nat(80), piece).map(([a, n, b]) => a.slice(0, n) + b),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (input) => {
        const report = reportFromLines(input, { kind: 'log', name: null });
        expect(contractProblems(JSON.parse(renderJson(report)))).toEqual([]);
        expect(report.stats.lines).toBe(input.reduce((n, l) => n + l.split('\n').length, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('writes a report for empty input', () => {
    const r = reportFromLines([], { kind: 'log', name: null });
    expect(contractProblems(JSON.parse(renderJson(r)))).toEqual([]);
    expect(r.captures).toEqual([]);
  });
});

describe('renderers', () => {
  it('json in chunks is exactly JSON.stringify(report, null, 2) (for text with no C1 or bidi characters)', () => {
    const report = reportFromLines(LOG, { kind: 'log', name: 'x.log' });
    expect([...renderJsonChunks(report)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });

  it('are registered by name, so others can add theirs', () => {
    expect(rendererNames()).toContain('json');
    registerRenderer('test-count', {
      description: 'captures',
      extension: 'txt',
      render: (r) => [`${r.captures.length}\n`],
    });
    expect([
      ...(getRenderer('test-count')?.render(reportFromLines(LOG, { kind: 'log', name: null })) ?? []),
    ]).toEqual(['3\n']);
  });
});
