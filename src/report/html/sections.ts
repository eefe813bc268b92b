// The report page's sections: alarming events (cards, with call traces), the platform facts, and one card
// per key with its summary, charts, tables, grouped call traces and the verbatim output folded away.

import { dumpHints } from '../diff-hints.js';
import type { Report } from '../model.js';
import { keyView } from '../view-keys.js';
import { type KeySection, anchorOf, group, parsedOf, seconds } from '../view-model.js';
import { type EventView, alarmingEvents, otherEvents, platformRows, traceLine } from '../view-platform.js';
import { placementChart } from './chart-placement.js';
import { numaChart } from './chart-numa.js';
import { runqChart } from './chart-runq.js';
import { esc } from './escape.js';
import { htmlFacts, htmlTable } from './tables.js';

export function eventsSection(report: Report): string {
  const alarming = alarmingEvents(report);
  const other = otherEvents(report);
  const cards = alarming.length
    ? alarming.map(eventCard).join('\n')
    : '<p class="ok">No panic, fatal trap, assertion, watchdog or crash was seen.</p>';
  const rest = other.length
    ? `<details><summary>Other events (${other.length}): console input switches and the like</summary>
<div class="scroll"><table class="data"><caption>Other events</caption><thead><tr><th scope="col">time</th><th scope="col">event</th><th scope="col">line</th></tr></thead><tbody>
${other.map((e) => `<tr><td class="mono">${esc(e.time ?? '—')}</td><td>${esc(e.title)}</td><td><code>${esc(e.message)}</code></td></tr>`).join('\n')}
</tbody></table></div></details>`
    : '';
  return `<section class="card" id="events" aria-labelledby="events-h"><h2 id="events-h">Events</h2>\n${cards}\n${rest}</section>`;
}

function eventCard(e: EventView): string {
  const when = [e.time ? `at ${e.time}` : null, e.replayed ? 'replayed from the console ring' : null].filter(
    Boolean,
  );
  const detail = e.detail.length ? `<pre>${esc(e.detail.join('\n'))}</pre>` : '';
  const trace = e.trace.length
    ? `<div class="dim">Call trace</div><pre class="trace">${esc(e.trace.map(traceLine).join('\n'))}</pre>`
    : '';
  return `<article class="event ${e.severity}"><h3>${esc(e.title)}${when.length ? `<span class="when">${esc(when.join(', '))}</span>` : ''}</h3>
<code>${esc(e.message)}</code>${detail}${trace}</article>`;
}

export function betweenDumpsSection(report: Report): string {
  const found = dumpHints(report);
  if (!found) return '';
  const body = found.hints.length
    ? found.hints.map((h) => `<p class="hint${h.strong ? '' : ' soft'}">${esc(h.text)}</p>`).join('\n')
    : '<p class="ok">No guest vCPU stayed on one pCPU, and no busy CPU kept its RIP.</p>';
  return `<section class="card" id="between" aria-labelledby="between-h"><h2 id="between-h">Between dumps</h2>
<p class="meta">Compared ${esc(found.compared)}; <code>xenkeys diff</code> shows the details.</p>
${body}</section>`;
}

export function platformSection(report: Report): string {
  return `<section class="card" id="platform" aria-labelledby="platform-h"><h2 id="platform-h">Platform</h2>\n${htmlFacts(platformRows(report))}</section>`;
}

/**
 * One key's body: summary, charts, tables, traces, notes (no heading, no verbatim). `cpus`: the host's
 * CPU count, which a `q` chart draws its columns for.
 */
export function keyBody(s: KeySection, cpus: number | null): string {
  const view = keyView(s);
  const id = anchorOf(s);
  const out: string[] = [];
  if (view.summary) out.push(`<p class="summary">${esc(view.summary)}</p>`);
  const charts = [
    parsedOf(s, 'r') ? runqChart(`${id}-runq`, parsedOf(s, 'r')!) : null,
    parsedOf(s, 'q') ? placementChart(`${id}-place`, parsedOf(s, 'q')!, cpus) : null,
    parsedOf(s, 'u') ? numaChart(`${id}-numa`, parsedOf(s, 'u')!) : null,
  ];
  out.push(...charts.filter((c): c is string => c !== null));
  out.push(...view.tables.map(htmlTable));
  for (const t of view.traces)
    out.push(
      `<figure><figcaption>${esc(t.caption)}</figcaption><pre class="trace">${esc(t.lines.join('\n'))}</pre></figure>`,
    );
  if (view.notes.length) out.push(`<ul>${view.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return out.join('\n');
}

export function keyHeading(s: KeySection, level: 2 | 3): string {
  const id = anchorOf(s);
  return `<h${level} id="${id}-h"><kbd>${esc(s.key)}</kbd>${esc(s.description ?? '')}</h${level}>`;
}

export function keyMeta(s: KeySection, cut: boolean): string {
  const meta = [
    s.partOf ? `part of ${s.partOf}` : seconds(s.start) ? `pressed at ${seconds(s.start)}` : null,
    `${group(s.lines)} lines`,
    cut ? 'cut short' : null,
  ].filter(Boolean);
  return `<p class="meta">${esc(meta.join(' · '))}</p>`;
}

export function verbatim(summary: string, body: string): string {
  return `<details class="verbatim"><summary>${esc(summary)}</summary><pre class="verbatim">${esc(body)}</pre></details>`;
}
