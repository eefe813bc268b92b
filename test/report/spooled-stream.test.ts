// Markdown and HTML streamed with their captures put aside in a spool file (report/spooled-stream.ts,
// capture/page-spool.ts) are the pages the whole report renders, to the byte — on a log with many
// dumps, so the light copies the page's top reads (first and last r/d, the widest) are exercised; and
// with a capture too long to hold, which waits in the spool whole.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPageSpool } from '../../src/capture/page-spool.js';
import { ReportBuilder } from '../../src/report/build.js';
import type { ReportCapture } from '../../src/report/model.js';
import { getRenderer } from '../../src/report/renderers.js';
import { memorySpill, PARSE_WINDOW_CHARS } from '../../src/report/text-rest.js';
import { allRecordings, referenceLines } from './robust-helpers.js';

const SOURCE = { kind: 'log' as const, name: 'all.log' };
const LINES = referenceLines(allRecordings());
const LOG = [...LINES, ...LINES, ...LINES];

function whole(format: string, log = LOG): string {
  const spill = memorySpill();
  const captures: ReportCapture[] = [];
  const builder = new ReportBuilder(SOURCE, { spill, onCapture: (c) => captures.push(c) });
  for (const line of log) builder.addLine(line);
  return [...(getRenderer(format)?.render({ ...builder.finish(), captures }, spill.read) ?? [])].join('');
}

function spooled(format: string, log = LOG): { text: string; file: string; existed: boolean } {
  const spool = openPageSpool();
  const spill = memorySpill();
  const stream = getRenderer(format)?.spooled?.(spool, spill.read);
  if (!stream) throw new Error(`${format} does not spool`);
  const out: string[] = [];
  const builder = new ReportBuilder(SOURCE, {
    spill,
    onCapture: (c: ReportCapture) => out.push(...stream.capture(c)),
  });
  for (const line of log) builder.addLine(line);
  const report = builder.finish();
  expect(report.captures).toEqual([]);
  out.push(...stream.end(report));
  const existed = existsSync(spool.file);
  spool.dispose();
  return { text: out.join(''), file: spool.file, existed };
}

describe('Markdown and HTML streamed through a spool', () => {
  it.each(['md', 'html'])('%s is the page the whole report renders, byte for byte', (format) => {
    const expected = whole(format);
    expect(expected.length).toBeGreaterThan(100_000);
    expect(spooled(format).text).toBe(expected);
  });

  // A capture past the parse window is spooled whole and rendered at the end, between the parts
  // rendered as they came; so is HTML's `q`, whose chart reads the host's CPU count.
  it.each(['md', 'html'])('%s puts a capture too long to hold back in its place', (format) => {
    const q = [
      "(XEN) 'q' pressed -> dumping domain info (now = 1)",
      '(XEN) General information for domain 0:',
    ];
    for (let i = 0; q.length * 60 < PARSE_WINDOW_CHARS * 1.2; i++)
      q.push(`(XEN)     VCPU${i}: CPU${i % 8} [has=F] poll=0 upcall_pend=00 upcall_mask=00 dirty_cpu=0`);
    const log = [...LINES, ...q, ...LINES];
    const expected = whole(format, log);
    expect(expected).toContain(q.at(-1)?.slice(6));
    expect(spooled(format, log).text).toBe(expected);
  });

  it("html draws a `q`'s chart for every CPU the host has, known only later", () => {
    const log = [
      "(XEN) 'q' pressed -> dumping domain info (now = 1)",
      '(XEN) General information for domain 0:',
      '(XEN) VCPU information and callbacks for domain 0:',
      '(XEN)     VCPU0: CPU0 [has=F] poll=0 upcall_pend=00 upcall_mask=00 dirty_cpu=0',
      '(XEN)     VCPU1: CPU1 [has=F] poll=0 upcall_pend=00 upcall_mask=00 dirty_cpu=1',
      '(XEN) Brought up 16 CPUs',
    ];
    const expected = whole('html', log);
    expect(expected).toContain('>15</text>');
    expect(spooled('html', log).text).toBe(expected);
  });

  it('removes its spool when done', () => {
    const { file, existed } = spooled('md');
    expect(existed).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});
