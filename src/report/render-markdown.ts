// The Markdown rendering of a Report (GitHub-flavoured): a one-line verdict, the alarming events with
// their call traces, the platform, then one section per key (tables, grouped call traces, a summary line)
// with the verbatim output folded underneath. Yielded section by section, like the JSON.

import { dumpHints } from './diff-hints.js';
import { findingsMarkdown } from './findings/render.js';
import { esc } from './html/escape.js';
import { mdAnchor, mdCode, mdFence, mdFenceChunks, mdQuote, mdTable, mdText } from './markdown.js';
import type { Report, ReportCapture } from './model.js';
import { type PageRenderer, renderPage } from './page.js';
import { type RestReader, wholeText } from './text-rest.js';
import { keyView } from './view-keys.js';
import {
  type KeySection,
  anchorOf,
  describeKey,
  group,
  linesCaption,
  seconds,
  sectionsOf,
} from './view-model.js';
import {
  type EventView,
  alarmingEvents,
  headline,
  reportTitle,
  otherEvents,
  platformRows,
  traceLine,
} from './view-platform.js';

export function renderMarkdown(report: Report): string {
  return [...renderMarkdownChunks(report)].join('');
}

export function renderMarkdownChunks(report: Report, read?: RestReader): Iterable<string> {
  return renderPage(markdownPage, report, read);
}

/** The page in its three parts; a capture's part reads nothing but the capture. */
export const markdownPage: PageRenderer = {
  top,
  capture: captureSection,
  tail,
  waits: () => false,
};

function* top(report: Report): Generator<string> {
  yield `# Xen console report: ${mdText(reportTitle(report))}\n\n`;
  if (report.source.startedAt) yield `Started ${mdText(report.source.startedAt)}\n\n`;
  yield `${mdText(headline(report))}\n\n`;
  if (report.findings?.length) yield findingsMarkdown(report.findings);
  yield* events(report);
  yield* betweenDumps(report);
  yield '## Platform\n\n| fact | value |\n| --- | --- |\n';
  for (const row of platformRows(report))
    yield `| ${mdText(row.label)} | ${row.code ? mdCode(row.value).replace(/\|/g, '\\|') : mdText(row.value)} |\n`;
  yield '\n';
  yield* contents(report);
}

function* captureSection(capture: ReportCapture, index: number, _report: Report | null, read?: RestReader) {
  const [own, ...parts] = sectionsOf(capture, index);
  if (!own) return;
  yield section(own, 2, capture.complete === false);
  for (const part of parts) yield section(part, 3, false);
  const summary = `Verbatim output of ${capture.key} (${linesCaption(capture)})`;
  if (!capture.textRest) yield verbatim(summary, capture.text);
  else {
    yield `<details><summary>${esc(summary)}</summary>\n\n`;
    yield* mdFenceChunks(() => wholeText(capture, read));
    yield '\n</details>\n\n';
  }
}

function* tail(report: Report): Generator<string> {
  if (!report.other || report.other.lines === 0) return;
  yield '## Other console lines\n\n';
  yield 'Hypervisor and guest lines outside every capture: the boot log, messages. Read for the platform and events above.\n\n';
  if (report.other.droppedLines > 0)
    yield `*${group(report.other.droppedLines)} more lines were counted but not kept.*\n\n`;
  yield verbatim(`${group(report.other.lines)} lines`, report.other.text);
}

function* events(report: Report): Generator<string> {
  const alarming = alarmingEvents(report);
  const other = otherEvents(report);
  yield '## Events\n\n';
  if (alarming.length === 0) yield 'No panic, fatal trap, assertion, watchdog or crash was seen.\n\n';
  for (const e of alarming) yield `${mdQuote(eventBlock(e))}\n\n`;
  if (other.length > 0) {
    yield `Other events (${other.length}):\n\n`;
    for (const e of other)
      yield `- ${e.time ? `${mdText(e.time)} ` : ''}${mdText(e.title)}: ${mdCode(e.message)}\n`;
    yield '\n';
  }
}

function* betweenDumps(report: Report): Generator<string> {
  const found = dumpHints(report);
  if (!found) return;
  yield `## Between dumps\n\n*Compared ${mdText(found.compared)} (\`xenkeys diff\` for the details).*\n\n`;
  if (found.hints.length === 0) yield 'No guest vCPU stayed on one pCPU, and no busy CPU kept its RIP.\n\n';
  else
    yield `${found.hints.map((h) => `- ${h.strong ? `**${mdText(h.text)}**` : mdText(h.text)}`).join('\n')}\n\n`;
}

function eventBlock(e: EventView): string {
  const kind = e.severity === 'critical' ? 'CAUTION' : 'WARNING';
  const when = [e.time ? `at ${e.time}` : null, e.replayed ? 'replayed from the console ring' : null].filter(
    Boolean,
  );
  const lines = [
    `[!${kind}]`,
    `**${mdText(e.title)}**${when.length ? ` (${mdText(when.join(', '))})` : ''}: ${mdCode(e.message)}`,
  ];
  if (e.detail.length > 0) lines.push('', mdFence(e.detail.join('\n')).trimEnd());
  if (e.trace.length > 0)
    lines.push('', 'Call trace:', '', mdFence(e.trace.map(traceLine).join('\n')).trimEnd());
  return lines.join('\n');
}

function* contents(report: Report): Generator<string> {
  if (report.captures.length === 0) {
    yield '*No debug-key output was found in the input.*\n\n';
    return;
  }
  yield '## Captures\n\n| key | description | at | lines |\n| --- | --- | ---: | ---: |\n';
  for (const [i, c] of report.captures.entries()) {
    const link = `[${mdCode(c.key)}](#${anchorOf({ key: c.key, index: i, partOf: null })})`;
    yield `| ${link} | ${mdText(c.description ?? describeKey(c.key) ?? '')} | ${mdText(seconds(c.start) ?? '')} | ${group(c.lines)} |\n`;
  }
  yield '\n';
}

function section(s: KeySection, level: 2 | 3, cut: boolean): string {
  const view = keyView(s);
  const meta = [
    s.partOf ? `part of ${s.partOf}` : seconds(s.start) ? `at ${seconds(s.start)}` : null,
    `${group(s.lines)} lines`,
    cut ? 'cut short' : null,
  ].filter(Boolean);
  const out = [
    `${mdAnchor(anchorOf(s))}\n${'#'.repeat(level)} ${mdCode(s.key)}${s.description ? ` — ${mdText(s.description)}` : ''}\n`,
    `*${mdText(meta.join(' · '))}*\n`,
  ];
  if (view.summary) out.push(`${mdText(view.summary)}\n`);
  for (const t of view.tables) out.push(mdTable(t));
  for (const t of view.traces) out.push(`**${mdText(t.caption)}**\n\n${mdFence(t.lines.join('\n'))}`);
  if (view.notes.length) out.push(view.notes.map((n) => `- ${mdText(n)}`).join('\n') + '\n');
  return `${out.join('\n')}\n`;
}

function verbatim(summary: string, text: string): string {
  return `<details><summary>${esc(summary)}</summary>\n\n${mdFence(text)}\n</details>\n\n`;
}
