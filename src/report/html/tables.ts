// Tables and fact lists as HTML: real <table>s with captions and column headers (screen readers and
// copy-paste both need them), tones as classes, and a filter hook on the long ones.

import type { Cell, Table } from '../view-model.js';
import type { FactRow } from '../view-platform.js';
import { esc } from './escape.js';

/** Tables longer than this get a filter box (when scripts run). */
const FILTER_ROWS = 12;

export function htmlCell(c: Cell, numeric = false): string {
  const classes = [
    numeric ? 'num' : null,
    c.tone ?? null,
    !c.code && c.text.length > 60 ? 'wrap' : null,
  ].filter(Boolean);
  const body = c.code && c.text !== '—' ? `<code>${esc(c.text)}</code>` : esc(c.text);
  return `<td${classes.length ? ` class="${classes.join(' ')}"` : ''}>${body}</td>`;
}

export function htmlTable(t: Table): string {
  if (t.rows.length === 0) return `<p class="dim">${esc(t.caption)}: none.</p>`;
  const head = t.columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${esc(c.label)}</th>`)
    .join('');
  const rows = t.rows
    .map((r) => `<tr>${r.map((c, i) => htmlCell(c, t.columns[i]?.numeric === true)).join('')}</tr>`)
    .join('\n');
  const filter = t.rows.length > FILTER_ROWS ? ' data-filter' : '';
  return `<div class="scroll"><table class="data"${filter}><caption>${esc(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

export function htmlFacts(rows: FactRow[]): string {
  const items = rows
    .map((r) => `<dt>${esc(r.label)}</dt><dd>${r.code ? `<code>${esc(r.value)}</code>` : esc(r.value)}</dd>`)
    .join('\n');
  return `<dl class="facts">\n${items}\n</dl>`;
}
