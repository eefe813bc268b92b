// Bidi overrides and isolates (U+202A–202E, U+2066–2069) and zero-width characters (U+200B–200F) in
// console text are shown, never applied: in Markdown and HTML they are spelled out (`\u202e`), so a
// line cannot read differently from what it holds; report.json keeps the value, written as `\u` escapes
// (with C1 controls) so `cat report.json` cannot act on the terminal either.

import { describe, expect, it } from 'vitest';
import { reportFromLines } from '../../src/report/build.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';

const HIDDEN = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f'];
const lines = [
  "(XEN) 'q' pressed -> dumping domain info (now = 0x12:34567890)",
  `(XEN) General information for domain 0:`,
  `(XEN)     refcnt=3 dying=0 pause_count=0 note=rm -rf \u202e/ fi\u2066le\u2069 ${ZERO_WIDTH.join('')}end`,
  `(XEN) ${HIDDEN.join('|')} csi\u009b6n`,
];
const report = reportFromLines(lines, { kind: 'log', name: 'bidi\u202e.log' });

const raw = (text: string): string[] =>
  [...HIDDEN, ...ZERO_WIDTH, '\u009b']
    .filter((c) => text.includes(c))
    .map((c) => c.charCodeAt(0).toString(16));

describe('bidi and zero-width controls', () => {
  it('are spelled out in Markdown', () => {
    const md = renderMarkdown(report);
    expect(raw(md)).toEqual([]);
    expect(md).toContain('\\u202e/ fi\\u2066le\\u2069');
    expect(md).toContain('\\u200b\\u200c\\u200d\\u200e\\u200fend');
  });

  it('are spelled out in HTML', () => {
    const html = renderHtml(report);
    expect(raw(html)).toEqual([]);
    expect(html).toContain('\\u202e/ fi\\u2066le\\u2069');
    expect(html).toContain('bidi\\u202e.log');
  });

  it('are \\u escapes in JSON, which parses back to the very text', () => {
    const json = renderJson(report);
    expect(raw(json)).toEqual([]);
    expect(json).toContain('\\u202e');
    expect(json).toContain('\\u009b');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
  });
});
