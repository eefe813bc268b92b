// The human summary of a capture on stdout: one row per key, then where the files are. A box-drawn
// table on a terminal; tab-separated columns when stdout is a pipe or file (scripts: see --json).

import Table from 'cli-table3';
import { terminalText } from '../core/text-controls.js';
import type { KeyCapture } from '../console/key-runner.js';

const HEAD = ['key', 'description', 'lines', 'bytes', 'start s', 'took s', 'end'];

export interface SummaryOptions {
  /** The session folder and the names written in it, in the order they are listed. */
  outDir?: string;
  files?: readonly string[];
  /** Box-drawn (for a terminal) or tab-separated (default: box when `out` is a terminal). */
  box?: boolean;
}

export function printCaptureSummary(
  out: NodeJS.WritableStream,
  captures: readonly KeyCapture[],
  options: SummaryOptions = {},
): void {
  const rows = captures.map((c) => [
    c.key,
    terminalText(c.description ?? ''),
    String(c.lines),
    String(c.bytes),
    c.start.toFixed(2),
    (c.end - c.start).toFixed(2),
    c.endReason,
  ]);
  const box = options.box ?? Boolean((out as NodeJS.WriteStream).isTTY);
  if (box) {
    const table = new Table({ head: HEAD, style: { head: [], border: [] } });
    table.push(...rows);
    out.write(`${table.toString()}\n`);
  } else {
    // Tabs and newlines cannot appear in a description (one console line), but be sure.
    const cell = (s: string): string => s.replace(/[\t\r\n]/g, ' ');
    for (const row of [HEAD, ...rows]) out.write(`${row.map(cell).join('\t')}\n`);
  }
  if (options.outDir) {
    const names = options.files ?? ['session.cast', 'session.raw', 'captures.json'];
    out.write(`files: ${options.outDir}/{${names.join(',')}}\n`);
  }
}
