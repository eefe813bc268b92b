// The HTML rendering of a Report: one self-contained page (inline CSS, inline SVG charts, an optional
// few lines of script) that opens offline. Events first, then the platform, then a card per key; every
// piece of console text is escaped. Yielded card by card, like the JSON.

import { findingsHtml } from './findings/render.js';
import { esc } from './html/escape.js';
import { pageEnd, pageStart } from './html/layout.js';
import {
  betweenDumpsSection,
  eventsSection,
  keyBody,
  keyHeading,
  keyMeta,
  platformSection,
  verbatim,
} from './html/sections.js';
import type { Report, ReportCapture } from './model.js';
import { type PageRenderer, renderPage } from './page.js';
import { type RestReader, wholeText } from './text-rest.js';
import { anchorOf, describeKey, group, linesCaption, parsedOf, sectionsOf } from './view-model.js';
import { headlineParts, reportTitle } from './view-platform.js';

export function renderHtml(report: Report): string {
  return [...renderHtmlChunks(report)].join('');
}

export function renderHtmlChunks(report: Report, read?: RestReader): Iterable<string> {
  return renderPage(htmlPage, report, read);
}

/** The page in its three parts; a capture's part reads the report only for a `q` chart's CPU count. */
export const htmlPage: PageRenderer = {
  top,
  capture: card,
  tail,
  waits: (capture) => sectionsOf(capture, 0).some((s) => parsedOf(s, 'q') !== null),
};

function top(report: Report): string[] {
  const name = reportTitle(report);
  const h = headlineParts(report);
  const alarms = h.alarming;
  const out = [
    pageStart(`Xen console report: ${name}`),
    `<header class="top"><h1>Xen console report <span class="src">${esc(name)}</span></h1>
${report.source.startedAt ? `<p class="meta">Started ${esc(report.source.startedAt)}</p>\n` : ''}<p class="headline">${esc(h.host)} — <span class="${alarms ? 'alarm' : 'ok'}">${esc(h.verdict)}</span></p>
${nav(report, alarms)}</header>
<main>
`,
  ];
  if (report.findings?.length) out.push(findingsHtml(report.findings));
  out.push(eventsSection(report), betweenDumpsSection(report), platformSection(report));
  if (report.captures.length === 0)
    out.push(
      '<section class="card"><h2>Captures</h2><p class="dim">No debug-key output was found in the input.</p></section>',
    );
  return out;
}

function* card(capture: ReportCapture, index: number, report: Report | null, read?: RestReader) {
  const [own, ...parts] = sectionsOf(capture, index);
  if (!own) return;
  const cpus = report?.platform.cpus ?? null;
  const id = anchorOf(own);
  const body = [keyHeading(own, 2), keyMeta(own, capture.complete === false), keyBody(own, cpus)];
  for (const part of parts)
    body.push(
      `<div class="part" id="${anchorOf(part)}">${keyHeading(part, 3)}${keyMeta(part, false)}${keyBody(part, cpus)}</div>`,
    );
  body.push(verbatim(`Verbatim output (${linesCaption(capture)})`, capture.textRest ? '' : capture.text));
  const html = `<section class="card key" id="${id}" aria-labelledby="${id}-h">\n${body.join('\n')}\n</section>\n`;
  if (!capture.textRest) {
    yield html;
    return;
  }
  // The text too long to hold goes into its (last, empty) verbatim block in pieces.
  const at = html.lastIndexOf('</pre></details>');
  yield html.slice(0, at);
  for (const piece of wholeText(capture, read)) yield esc(piece);
  yield html.slice(at);
}

function* tail(report: Report): Generator<string> {
  if (report.other && report.other.lines > 0) {
    const dropped = report.other.droppedLines
      ? ` ${group(report.other.droppedLines)} more were counted but not kept.`
      : '';
    yield `<section class="card" id="other" aria-labelledby="other-h"><h2 id="other-h">Other console lines</h2>
<p class="meta">Hypervisor and guest lines outside every capture (the boot log, messages), read for the platform and events.${esc(dropped)}</p>
${verbatim(`${group(report.other.lines)} lines`, report.other.text)}</section>`;
  }
  yield '</main>\n';
  yield pageEnd(
    `Made by xenkeys from ${esc(report.source.kind)} ${esc(reportTitle(report))} · report schema ${esc(report.schema)}`,
  );
}

function nav(report: Report, alarms: number): string {
  const links = [
    ...(report.findings?.length ? ['<li><a href="#findings">Findings</a></li>'] : []),
    `<li><a href="#events"${alarms ? ' class="bad"' : ''}>Events${alarms ? ` (${alarms})` : ''}</a></li>`,
    '<li><a href="#platform">Platform</a></li>',
    ...report.captures.map((c, i) => {
      const id = anchorOf({ key: c.key, index: i, partOf: null });
      return `<li><a href="#${id}" title="${esc(c.description ?? describeKey(c.key) ?? '')}"><code>${esc(c.key)}</code></a></li>`;
    }),
  ];
  if (report.other && report.other.lines > 0) links.push('<li><a href="#other">Other lines</a></li>');
  return `<nav aria-label="Sections"><ul>${links.join('')}</ul></nav>`;
}
