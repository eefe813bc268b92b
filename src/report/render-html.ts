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
import { type RestReader, wholeText } from './text-rest.js';
import { anchorOf, describeKey, group, linesCaption, sectionsOf } from './view-model.js';
import { headlineParts, reportTitle } from './view-platform.js';

export function renderHtml(report: Report): string {
  return [...renderHtmlChunks(report)].join('');
}

/** `full`: the captures with their text (a streamed report's own are light: spooled-stream.ts). */
export function* renderHtmlChunks(
  report: Report,
  full: Iterable<ReportCapture> = report.captures,
  read?: RestReader,
): Generator<string> {
  const name = reportTitle(report);
  yield pageStart(`Xen console report: ${name}`);
  const h = headlineParts(report);
  const alarms = h.alarming;
  yield `<header class="top"><h1>Xen console report <span class="src">${esc(name)}</span></h1>
${report.source.startedAt ? `<p class="meta">Started ${esc(report.source.startedAt)}</p>\n` : ''}<p class="headline">${esc(h.host)} — <span class="${alarms ? 'alarm' : 'ok'}">${esc(h.verdict)}</span></p>
${nav(report, alarms)}</header>
<main>
`;
  if (report.findings?.length) yield findingsHtml(report.findings);
  yield eventsSection(report);
  yield betweenDumpsSection(report);
  yield platformSection(report);
  if (report.captures.length === 0)
    yield '<section class="card"><h2>Captures</h2><p class="dim">No debug-key output was found in the input.</p></section>';
  let i = -1;
  for (const capture of full) {
    i++;
    const [own, ...parts] = sectionsOf(capture, i);
    if (!own) continue;
    const id = anchorOf(own);
    const body = [keyHeading(own, 2), keyMeta(own, capture.complete === false), keyBody(report, own)];
    for (const part of parts)
      body.push(
        `<div class="part" id="${anchorOf(part)}">${keyHeading(part, 3)}${keyMeta(part, false)}${keyBody(report, part)}</div>`,
      );
    body.push(verbatim(`Verbatim output (${linesCaption(capture)})`, capture.textRest ? '' : capture.text));
    const card = `<section class="card key" id="${id}" aria-labelledby="${id}-h">\n${body.join('\n')}\n</section>\n`;
    if (!capture.textRest) yield card;
    else {
      // The text too long to hold goes into its (last, empty) verbatim block in pieces.
      const at = card.lastIndexOf('</pre></details>');
      yield card.slice(0, at);
      for (const piece of wholeText(capture, read)) yield esc(piece);
      yield card.slice(at);
    }
  }
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
    `Made by xenkeys from ${esc(report.source.kind)} ${esc(name)} · report schema ${esc(report.schema)}`,
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
