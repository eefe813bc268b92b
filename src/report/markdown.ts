// GitHub-flavoured Markdown pieces for render-markdown.ts: escaped text, code spans and fences that the
// console's own output cannot break out of, and tables (cells escape `|`, which GFM reads as a column
// break even inside a code span).

import { type Cell, type Table, showControls } from './view-model.js';

/** Text that Markdown shows as written: punctuation that could start markup is backslash-escaped. */
export function mdText(text: string): string {
  return (
    showControls(text)
      .replace(/\r?\n/g, ' ')
      .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
      // `&` only where it could start an entity, `#` only where it could start a heading.
      .replace(/&(?=#?\w+;)/g, '\\&')
      .replace(/^#/, '\\#')
      // GFM never reads `nr_pages` as emphasis; only an underscore at a word's edge needs escaping.
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
  );
}

/** An inline code span, fenced with more backticks than the text holds in a row. */
export function mdCode(text: string): string {
  const t = showControls(text).replace(/\r?\n/g, ' ');
  const run = Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(run + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced block: the fence is longer than any backtick run inside, so nothing can close it early. */
export function mdFence(text: string, info = 'text'): string {
  const t = showControls(text);
  const run = Math.max(2, ...[...t.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(run + 1);
  return `${fence}${info}\n${t}${t.endsWith('\n') || t === '' ? '' : '\n'}${fence}\n`;
}

/** mdFence of a text given in pieces, read twice: once for its longest run of backticks. */
export function* mdFenceChunks(pieces: () => Iterable<string>, info = 'text'): Generator<string> {
  let run = 2;
  let current = 0;
  let last = '';
  for (const piece of pieces()) {
    const t = showControls(piece);
    if (t === '') continue;
    if (!t.includes('`')) current = 0;
    else
      for (let i = 0; i < t.length; i++) {
        current = t.charCodeAt(i) === 0x60 ? current + 1 : 0;
        if (current > run) run = current;
      }
    last = t.charAt(t.length - 1);
  }
  const fence = '`'.repeat(run + 1);
  yield `${fence}${info}\n`;
  for (const piece of pieces()) yield showControls(piece);
  yield `${last === '\n' || last === '' ? '' : '\n'}${fence}\n`;
}

export function mdCell(c: Cell): string {
  const body = c.code && c.text !== '—' ? mdCode(c.text) : mdText(c.text);
  // In a table GFM splits on every unescaped `|`, code spans included; mdText has escaped its own.
  const escaped = c.code ? body.replace(/\|/g, '\\|') : body;
  return c.tone === 'bad' ? `**${escaped}**` : escaped;
}

export function mdTable(table: Table): string {
  if (table.rows.length === 0) return `*${mdText(table.caption)}: none.*\n`;
  const head = `| ${table.columns.map((c) => mdText(c.label)).join(' | ')} |`;
  const rule = `|${table.columns.map((c) => (c.numeric ? ' ---: ' : ' --- ')).join('|')}|`;
  const rows = table.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`);
  return `**${mdText(table.caption)}**\n\n${[head, rule, ...rows].join('\n')}\n`;
}

/** A block quote: every line prefixed, blank ones too, so a fence inside stays inside. */
export function mdQuote(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? '>' : `> ${l}`))
    .join('\n');
}

/** GitHub keeps `id` (as user-content-…) and follows #links to it. */
export function mdAnchor(id: string): string {
  return `<a id="${id.replace(/[^\w-]/g, '')}"></a>`;
}
