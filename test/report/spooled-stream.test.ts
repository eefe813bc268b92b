// Markdown and HTML streamed with their captures put aside in a spool file (report/spooled-stream.ts,
// capture/capture-spool.ts) are the pages the whole report renders, to the byte — on a log with many
// dumps, so the light copies the page's top reads (first and last r/d, the widest) are exercised.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureSpool } from '../../src/capture/capture-spool.js';
import { ReportBuilder } from '../../src/report/build.js';
import type { ReportCapture } from '../../src/report/model.js';
import { getRenderer } from '../../src/report/renderers.js';
import { allRecordings, referenceLines } from './robust-helpers.js';

const SOURCE = { kind: 'log' as const, name: 'all.log' };
const LINES = referenceLines(allRecordings());
const LOG = [...LINES, ...LINES, ...LINES];

function whole(format: string): string {
  const builder = new ReportBuilder(SOURCE);
  for (const line of LOG) builder.addLine(line);
  return [...(getRenderer(format)?.render(builder.finish()) ?? [])].join('');
}

function spooled(format: string): { text: string; file: string; existed: boolean } {
  const spool = openCaptureSpool();
  const stream = getRenderer(format)?.spooled?.(spool);
  if (!stream) throw new Error(`${format} does not spool`);
  const out: string[] = [];
  const builder = new ReportBuilder(SOURCE, {
    onCapture: (c: ReportCapture) => out.push(...stream.capture(c)),
  });
  for (const line of LOG) builder.addLine(line);
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

  it('removes its spool when done', () => {
    const { file, existed } = spooled('md');
    expect(existed).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});
