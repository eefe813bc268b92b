// The human summary of a capture on stdout: one row per key, then where the files are.

import path from 'node:path';
import Table from 'cli-table3';
import { terminalText } from '../core/text-controls.js';
import type { KeyCapture } from '../console/key-runner.js';

export function printCaptureSummary(
  out: NodeJS.WritableStream,
  captures: readonly KeyCapture[],
  files: readonly string[] = [],
): void {
  const table = new Table({
    head: ['key', 'description', 'lines', 'bytes', 'start s', 'took s', 'end'],
    style: { head: [], border: [] },
  });
  for (const c of captures) {
    table.push([
      c.key,
      terminalText(c.description ?? ''),
      c.lines,
      c.bytes,
      c.start.toFixed(2),
      (c.end - c.start).toFixed(2),
      c.endReason,
    ]);
  }
  out.write(`${table.toString()}\n`);
  if (files.length > 0) {
    const dir = path.dirname(files[0]!);
    out.write(`files: ${dir}/{${files.map((f) => path.basename(f)).join(',')}}\n`);
  }
}
