// The Markdown report: on every recording (structure present, every capture's text kept verbatim inside
// a fence that cannot close early) and on hostile input (`|` never breaks a table row, `<script>` and
// control characters never reach the page raw).

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromLines } from '../../src/report/build.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { mdCode, mdFence, mdText } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/model.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { showControls } from '../../src/report/view-model.js';
import { hungHostLines } from './synthetic.js';

const ROOT = path.resolve(import.meta.dirname, '../../recordings');
const NAMES = readdirSync(ROOT).filter((n) => existsSync(path.join(ROOT, n, 'session.cast')));

const recording = async (name: string): Promise<Report> =>
  reportFromRecording(await readRecording(path.join(ROOT, name, 'session.cast')), 'session.cast');

/** Every table row has as many cells as its header: no `|` from the console split a cell. */
function tableProblems(md: string): string[] {
  const problems: string[] = [];
  let width: number | null = null;
  let inFence = false;
  for (const line of md.split('\n')) {
    if (/^(?:> )?`{3,}/.test(line)) inFence = !inFence;
    if (inFence || !line.startsWith('|')) {
      width = null;
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).length - 2;
    if (width === null) width = cells;
    else if (cells !== width) problems.push(line);
  }
  return problems;
}

/** The Markdown outside fenced blocks and code spans: where raw HTML would be live. */
function prose(md: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const bare = line.replace(/^> ?/, '');
    const open = /^(`{3,})/.exec(bare)?.[1];
    if (fence !== null) {
      if (open !== undefined && open.length >= fence.length && bare.trim() === open) fence = null;
      continue;
    }
    if (open !== undefined) {
      fence = open;
      continue;
    }
    // Escaped characters are literal (an escaped backtick opens no span); a code span closes at the
    // next run of exactly as many backticks.
    out.push(line.replace(/\\[\s\S]/g, '').replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, ''));
  }
  return out.join('\n');
}

describe.each(NAMES)('Markdown of recording %s', (name) => {
  it('has the verdict, events, platform and a section per capture, with tables and verbatim text', async () => {
    const report = await recording(name);
    const md = renderMarkdown(report);
    expect(md).toMatch(/^# Xen console report: session\.cast\n\nXen 4\.17\.7 · /);
    expect(md).toContain('\n## Events\n');
    expect(md).toContain('\n## Platform\n');
    expect(md).toContain('| Xen | 4.17.7 ');
    for (const [i, c] of report.captures.entries()) {
      // A `*` part repeated as its key's capture is shown inside its `*`.
      if (c.found === 'star-part') continue;
      expect(md).toContain(`<a id="key-${i}-`);
      // The verbatim text is there whole, line for line.
      expect(md).toContain(showControls(c.text));
    }
    const keys = new Set(report.captures.filter((c) => c.found !== 'star-part').map((c) => c.key));
    if (keys.has('q')) expect(md).toContain('| domain | nr_pages |');
    if (keys.has('r')) expect(md).toContain('| pCPU | pool | current | queued |');
    if (keys.has('d')) expect(md).toMatch(/\*\*Call trace of CPUs? [\d,-]+( \(identical\))?\*\*/);
    if (keys.has('u')) expect(md).toContain('| node | size | free | used | CPUs |');
    if (keys.has('m')) expect(md).toContain('| Dom heap | 766,308 kB (748 MiB) |');
    expect(tableProblems(md)).toEqual([]);
    expect(prose(md)).not.toMatch(/<(?!a id="key-|\/a>|details>|\/details>|summary>|\/summary>)/);
  });
});

describe('Markdown of the dom0 crash', () => {
  it('puts the crash first, as a caution', async () => {
    const md = renderMarkdown(await recording('xen-4.17-dom0-crash'));
    expect(md).toContain(
      "> [!CAUTION]\n> **dom0 crashed**: `Hardware Dom0 crashed: 'noreboot' set - not rebooting.`",
    );
    expect(md).toContain('> **dom0 kernel panic**: `Kernel panic - not syncing: sysrq triggered crash`');
    expect(md.indexOf('## Events')).toBeLessThan(md.indexOf('## Platform'));
  });
});

describe('Markdown of a busy, hostile host', () => {
  const hostile = [
    "(XEN) 'd' pressed -> dumping registers",
    '(XEN) *** Dumping CPU9 host state: ***',
    '(XEN) CPU:    9',
    '(XEN) RIP:    e008:[<ffff82d04022c8a0>] evil|sym<script>x</script>+0x1/0x2',
    '(XEN) RFLAGS: 0000000000000002   CONTEXT: hypervisor | \u001b[31mred ```',
  ];
  const md = renderMarkdown(reportFromLines(hostile, { kind: 'log', name: 'a|b<i>.log' }));
  const busy = renderMarkdown(reportFromLines(hungHostLines(), { kind: 'log', name: 'hung-host.log' }));

  it('keeps every table row whole and no console HTML live', () => {
    expect(tableProblems(md)).toEqual([]);
    expect(md).toContain(
      '| 9 | hypervisor \\| ␛\\[31mred \\`\\`\\` | — | `ffff82d04022c8a0` | `evil\\|sym<script>x</script>+0x1/0x2` |',
    );
    expect(prose(md)).not.toContain('<script>');
    expect(prose(busy)).not.toContain('<script>');
    expect(busy).toContain(
      "`Assertion 'a < b && c | d <script>alert(1)</script>' failed at common/sched/core.c:123`",
    );
    expect(md).not.toContain('\u001b');
    expect(md).toMatch(/^# Xen console report: a\\\|b\\<i\\>\.log\n/);
  });

  it('shows the events first and the stuck hints from the two r and d dumps', () => {
    const md = busy;
    expect(md.indexOf('> **Assertion failed on CPU 6**')).toBeLessThan(md.indexOf('## Between dumps'));
    expect(md).toContain(
      '- **d7v3 was queued on pCPU 5 in both r dumps (5.0 s apart): it may never have got to run.**',
    );
    expect(md).toContain(
      '- **CPU 6 was at \\_spin_lock+0x30/0x50 (ffff82d04022c8a0) in both d dumps: stuck or spinning there?**',
    );
    expect(md).toContain('| 5 | 0 | `d7v1` | `d7v3 d12v1` | nr_run=2 sort=1 credit=-300 |');
    expect(md).toContain('| `d7` | 524,288 (2 GiB) | 262,144 | 262,144 |');
  });
});

describe('Markdown pieces', () => {
  it('fences text with more backticks than it holds, and code spans likewise', () => {
    const text = 'a\n```\nb ```` c';
    const fence = mdFence(text);
    expect(fence).toBe('`````text\na\n```\nb ```` c\n`````\n');
    expect(mdCode('x `y` z')).toBe('``x `y` z``');
    expect(mdCode('`edge`')).toBe('`` `edge` ``');
  });

  it('escapes what could start markup, and leaves words like nr_pages alone', () => {
    expect(mdText('nr_pages *a* _b_ <c> [d](e) | &amp; #1')).toBe(
      'nr_pages \\*a\\* \\_b\\_ \\<c\\> \\[d\\](e) \\| \\&amp; #1',
    );
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdText('bell\u0007 esc\u001b nul\u0000')).toBe('bell␇ esc␛ nul␀');
  });
});
