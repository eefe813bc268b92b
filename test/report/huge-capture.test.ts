// One key's output longer than the parse window (report/text-rest.ts): the report still holds every line
// of its text, verbatim, in JSON, Markdown and HTML — copied from the spill — while `parsed` is read from
// the window and says so (`parsedLines`). For a section cut from a plain log and for a capture cut by
// markers, whose lines past the window are still read for events.

import { describe, expect, it } from 'vitest';
import { SessionFold } from '../../src/pipeline/session-fold.js';
import type { DomainsParsed } from '../../src/parse/keys/domains.js';
import { ReportBuilder } from '../../src/report/build.js';
import { builderSink } from '../../src/report/fold-feed.js';
import { esc } from '../../src/report/html/escape.js';
import { group } from '../../src/report/view-model.js';
import type { Report, ReportCapture } from '../../src/report/model.js';
import { getRenderer } from '../../src/report/renderers.js';
import { memorySpill, PARSE_WINDOW_CHARS, type TextSpill } from '../../src/report/text-rest.js';

const SOURCE = { kind: 'log' as const, name: 'huge.log' };
const HEADER = "(XEN) 'q' pressed -> dumping domain info (now = 1)";
const VCPU = (i: number): string =>
  `(XEN)     VCPU${i}: CPU${i % 8} [has=F] poll=0 upcall_pend=00 upcall_mask=00 dirty_cpu=${i % 8}`;
/** A `q` of one domain with enough VCPUs to pass the window by about half. */
const Q = [
  HEADER,
  '(XEN) General information for domain 0:',
  '(XEN) VCPU information and callbacks for domain 0:',
];
for (let i = 0; Q.reduce((n, l) => n + l.length + 1, 0) < PARSE_WINDOW_CHARS * 1.5; i++) Q.push(VCPU(i));
const AFTER = '(XEN) *** Serial input to DOM0 (type CTRL-a three times to switch input)';

interface Built {
  report: Report;
  captures: ReportCapture[];
  spill: TextSpill;
}

function fromLog(lines: readonly string[]): Built {
  const spill = memorySpill();
  const captures: ReportCapture[] = [];
  const builder = new ReportBuilder(SOURCE, { spill, onCapture: (c) => captures.push(c) });
  for (const line of lines) builder.addLine(line);
  return { report: builder.finish(), captures, spill };
}

function render(format: string, { report, captures, spill }: Built): string {
  const renderer = getRenderer(format);
  if (!renderer) throw new Error(format);
  return [...renderer.render({ ...report, captures }, spill.read)].join('');
}

describe('a key section longer than the parse window', () => {
  const built = fromLog([...Q, AFTER]);
  const q = built.captures[0] as ReportCapture;

  it('counts every line and is parsed from the window only, which it says', () => {
    expect(built.captures).toHaveLength(1);
    expect(q.lines).toBe(Q.length);
    expect(q.parsedLines).toBeGreaterThan(3);
    expect(q.parsedLines).toBeLessThan(Q.length);
    const vcpus = (q.parsed as DomainsParsed).domains[0]?.vcpus ?? [];
    expect(vcpus).toHaveLength((q.parsedLines as number) - 3);
    // In memory, only the window's text.
    expect(q.text.length).toBeLessThanOrEqual(PARSE_WINDOW_CHARS + VCPU(0).length + 1);
  });

  it('keeps all its text in the JSON report', () => {
    const doc = JSON.parse(render('json', built)) as { captures: Record<string, unknown>[] };
    expect(doc.captures[0]?.['text']).toBe(Q.join('\n'));
    expect(doc.captures[0]?.['lines']).toBe(Q.length);
    expect(doc.captures[0]?.['parsedLines']).toBe(q.parsedLines);
    expect(doc.captures[0]).not.toHaveProperty('textRest');
    expect(doc).toMatchObject({ stats: { lines: Q.length + 1 } });
  });

  it('keeps all its text in Markdown and HTML, which say the structure came from the window', () => {
    const md = render('md', built);
    const html = render('html', built);
    expect(md).toContain(`\`\`\`text\n${Q.join('\n')}\n\`\`\`\n`);
    expect(html).toContain(`<pre class="verbatim">${esc(Q.join('\n'))}</pre>`);
    const said = `structure parsed from the first ${group(q.parsedLines as number)})`;
    expect(md).toContain(`Verbatim output of q (${group(Q.length)} lines; ${said}`);
    expect(html).toContain(`Verbatim output (${group(Q.length)} lines; ${said}`);
  });

  it('leaves a section within the window as it was', () => {
    const small = fromLog([...Q.slice(0, 100), AFTER]);
    const whole = new ReportBuilder(SOURCE);
    for (const line of [...Q.slice(0, 100), AFTER]) whole.addLine(line);
    expect(render('json', small)).toBe([...(getRenderer('json')?.render(whole.finish()) ?? [])].join(''));
  });
});

describe('a marker capture longer than the parse window', () => {
  const PANIC = ['(XEN) ****************************************', '(XEN) Panic on CPU 3:', '(XEN) boom'];
  const lines = [...Q, ...PANIC];

  function cut(): Built {
    const spill = memorySpill();
    const captures: ReportCapture[] = [];
    const builder = new ReportBuilder(SOURCE, { spill, onCapture: (c) => captures.push(c) });
    const fold = new SessionFold(builderSink(builder), { maxCaptureText: builder.windowChars });
    fold.output(new TextEncoder().encode('(XEN) before\r\n'), 1);
    fold.marker('key q: dump domain info', 2);
    fold.output(new TextEncoder().encode(lines.map((l) => `${l}\r\n`).join('')), 3);
    fold.marker('key q end: 1 lines, 1 bytes (quiet)', 4);
    fold.end();
    return { report: builder.finish(), captures, spill };
  }

  it('keeps all its text, is parsed from the window, and its lines past it are read for events', () => {
    const built = cut();
    const q = built.captures[0] as ReportCapture;
    expect([q.key, q.found, q.lines]).toEqual(['q', 'marker', lines.length]);
    expect(q.parsedLines).toBeLessThan(lines.length);
    const doc = JSON.parse(render('json', built)) as { captures: { text: string }[] };
    expect(doc.captures[0]?.text).toBe(lines.join('\n'));
    expect(built.report.stats.lines).toBe(lines.length + 1);
    expect(built.report.events).toMatchObject([{ type: 'panic', cpu: 3 }]);
  });
});
