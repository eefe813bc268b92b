// The HTML report: one self-contained page for every recording (nothing fetched, tags balanced, headings,
// table headers, SVG titles), charts where the keys give data for them, and console text that can never
// become markup (`<script>`, quotes, `&`, control characters).

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromLines } from '../../src/report/build.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { esc } from '../../src/report/html/escape.js';
import { htmlTable } from '../../src/report/html/tables.js';
import type { Report } from '../../src/report/model.js';
import { renderHtml, renderHtmlChunks } from '../../src/report/render-html.js';
import { hungHostLines } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../../recordings');
const NAMES = readdirSync(ROOT).filter((n) => existsSync(path.join(ROOT, n, 'session.cast')));

const recording = async (name: string): Promise<Report> =>
  reportFromRecording(await readRecording(path.join(ROOT, name, 'session.cast')), 'session.cast');

const count = (html: string, re: RegExp): number => [...html.matchAll(re)].length;

/** Tags that must close, closed as often as opened. */
function unbalanced(html: string): string[] {
  return [
    'section',
    'table',
    'details',
    'svg',
    'figure',
    'pre',
    'article',
    'header',
    'main',
    'nav',
    'dl',
  ].filter(
    (tag) => count(html, new RegExp(`<${tag}[\\s>]`, 'g')) !== count(html, new RegExp(`</${tag}>`, 'g')),
  );
}

describe.each(NAMES)('HTML of recording %s', (name) => {
  it('is one self-contained, balanced page with events, platform and a card per capture', async () => {
    const report = await recording(name);
    const html = renderHtml(report);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html.trimEnd()).toMatch(/<\/html>$/);
    // Offline: no external script, stylesheet, font or image.
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).not.toMatch(/@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(count(html, /<script>/g)).toBe(1);
    expect(unbalanced(html)).toEqual([]);
    expect(html).toContain(
      '<section class="card" id="events" aria-labelledby="events-h"><h2 id="events-h">Events</h2>',
    );
    expect(html).toContain('<dt>Xen</dt><dd>4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1)');
    for (const [i, c] of report.captures.entries()) {
      // A `*` part repeated as its key's capture is shown inside its `*`.
      if (c.found === 'star-part') continue;
      expect(html).toContain(`id="key-${i}-`);
      expect(html).toContain(`<pre class="verbatim">${esc(c.text)}</pre>`);
    }
    expect(count(html, /<th(?=[\s>])(?! scope="col")/g)).toBe(0);
    // Every chart is an image with a title and a description.
    expect(count(html, /<svg /g)).toBe(
      count(html, /role="img" aria-labelledby="[\w-]+-t [\w-]+-d">\s*<title id=/g),
    );
    const keys = new Set(report.captures.map((c) => c.key));
    const all = report.captures.find((c) => c.key === '*');
    if (keys.has('q') || all) expect(html).toContain('vCPU placement (from q)');
    if (keys.has('r') || all) expect(html).toContain('Run queues per CPU (from r)');
    if (keys.has('u') || all) expect(html).toContain('Memory per NUMA node (from u)');
  });

  it('comes in pieces that join to the whole', async () => {
    const report = await recording(name);
    const chunks = [...renderHtmlChunks(report)];
    expect(chunks.length).toBeGreaterThan(report.captures.filter((c) => c.found !== 'star-part').length);
    expect(chunks.join('')).toBe(renderHtml(report));
  });
});

describe('HTML of a busy, hostile host', () => {
  const lines = [
    ...hungHostLines(),
    "(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)",
    "(XEN) 'd' pressed -> dumping registers",
    '(XEN) *** Dumping CPU9 host state: ***',
    '(XEN) CPU:    9',
    '(XEN) RIP:    e008:[<ffff82d04022c8a0>] evil"sym<img src=x onerror=alert(1)>+0x1/0x2',
    "(XEN) RFLAGS: 0000000000000002   CONTEXT: hypervisor </pre></details><script>alert('x')</script> \u001b[2J &amp;",
  ];
  const html = renderHtml(reportFromLines(lines, { kind: 'log', name: '<b>host</b>.log' }));

  it('escapes every piece of console text', () => {
    expect(count(html, /<script>/g)).toBe(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('<title>Xen console report: &lt;b&gt;host&lt;/b&gt;.log</title>');
    expect(html).toContain('<code>evil&quot;sym&lt;img src=x onerror=alert(1)&gt;+0x1/0x2</code>');
    expect(html).toContain(
      'hypervisor &lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; ␛[2J &amp;amp;',
    );
    expect(unbalanced(html)).toEqual([]);
  });

  it('draws the events first, the stuck hints, and charts from q, r and u', () => {
    expect(html.indexOf('id="events"')).toBeLessThan(html.indexOf('id="between"'));
    expect(html.indexOf('id="between"')).toBeLessThan(html.indexOf('id="platform"'));
    expect(html).toContain('<article class="event critical"><h3>Assertion failed on CPU 6</h3>');
    expect(html).toContain(
      '<p class="hint">d7v3 was queued on pCPU 5 in both r dumps (5.0 s apart): it may never have got to run.</p>',
    );
    expect(html).toContain(
      '<p class="hint soft">d12v0 was running on pCPU 6 in both r dumps (5.0 s apart).</p>',
    );
    // q: d7v1 runs on pCPU 5 (green), d7v3 waits there (blue), its affinity 3-5 tinted.
    expect(html).toContain('<title>d7v1 running on pCPU 5; hard affinity 3-5</title>');
    expect(html).toContain('<title>d7v3 placed on pCPU 5; hard affinity 3-5</title>');
    expect(html).toContain('<title>d7v3 may run on pCPU 4</title>');
    // r: CPU 5 runs d7v1 with d7v3 and d12v1 queued behind it.
    expect(html).toContain('<title>d7v3 queued on CPU 5 (position 1)</title>');
    expect(html).toContain('<title>d12v1 queued on CPU 5 (position 2)</title>');
    // u: d7 split evenly over two nodes.
    expect(html).toContain('<title>d7 on node 0: 262,144 pages (1 GiB)</title>');
    expect(html).toContain('<title>d7 on node 1: 262,144 pages (1 GiB)</title>');
  });

  it('marks long tables for the optional filter and keeps working without script', () => {
    const rows = Array.from({ length: 13 }, (_, i) => [{ text: String(i) }]);
    expect(htmlTable({ caption: 'long', columns: [{ label: 'n', numeric: true }], rows })).toContain(
      '<table class="data" data-filter><caption>long</caption><thead><tr><th scope="col" class="num">n</th></tr></thead>',
    );
    expect(html).toContain('<table class="data"><caption>vCPUs</caption>');
    expect(html).toContain('<details class="verbatim"><summary>Verbatim output (');
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('@media print');
  });
});
