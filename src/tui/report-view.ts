// What the side panel shows: a small view model of its own (a title and sections of rows), so the
// panel does not depend on the report model. parsed-view.ts builds it from the parsed capture;
// captureView here shows any capture as its key, description, counts and first lines.

import type { KeyCapture } from '../console/key-runner.js';

export interface ReportView {
  title: string;
  sections: { heading: string; rows: string[][] }[];
}

/** Turns a finished capture into a view; the CLI may pass one built on the parsed report. */
export type ReportViewBuilder = (capture: KeyCapture) => ReportView;

const FIRST_LINES = 40;

export function captureView(capture: KeyCapture): ReportView {
  const lines = capture.text === '' ? [] : capture.text.split('\n');
  const shown = lines.slice(0, FIRST_LINES).map((line) => [line]);
  if (lines.length > shown.length) shown.push([`… ${lines.length - shown.length} more lines`]);
  return {
    title: `key ${capture.key}${capture.description ? `: ${capture.description}` : ''}`,
    sections: [
      {
        heading: 'capture',
        rows: [
          ['lines', String(capture.lines)],
          ['bytes', String(capture.bytes)],
          ['took', `${(capture.end - capture.start).toFixed(1)} s`],
          ['ended', capture.endReason],
        ],
      },
      { heading: lines.length === 0 ? 'no output' : 'first lines', rows: shown },
    ],
  };
}

/** Several captures (a preset) as one view: the newest first, each as its own section. */
export function capturesView(
  title: string,
  captures: readonly KeyCapture[],
  build: ReportViewBuilder,
): ReportView {
  const views = [...captures].reverse().map(build);
  return {
    title,
    sections: views.flatMap((view) =>
      view.sections.map((s) => ({ heading: `${view.title} — ${s.heading}`, rows: s.rows })),
    ),
  };
}

/** Plain text lines for a panel `width` columns wide: title wrapped, columns aligned, long cells cut. */
export function formatView(view: ReportView, width: number): string[] {
  const cut = (text: string): string => {
    const chars = [...expandTabs(text)];
    return chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : chars.join('');
  };
  const out: string[] = [...wrap(view.title, width), ''];
  for (const section of view.sections) {
    out.push(cut(`▸ ${section.heading}`));
    const rows = section.rows.map((row) => row.map(expandTabs));
    const widths: number[] = [];
    for (const row of rows)
      row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    for (const row of rows)
      out.push(
        cut(row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')),
      );
    out.push('');
  }
  return out;
}

/** Tabs as a terminal shows them (stops every 8 columns): Xen's run-queue dumps use them. */
export function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  for (const ch of text) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? word.slice(0, width) : `${line} ${word}`;
  }
  return [...lines, line];
}
