// The JSON rendering of a Report: the contract document itself (/work/shared/report-contract.md),
// two-space indented, ending with a newline. `renderJsonChunks` yields the same text piece by piece
// (one capture at a time) so a report of a huge log never has to exist as one string.

import type { Report } from './model.js';

export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join('');
}

export function* renderJsonChunks(report: Report): Generator<string> {
  const entries = Object.entries(report);
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (const [j, item] of value.entries()) {
        yield `    ${indent(JSON.stringify(item, null, 2), '    ')}${j < value.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

// JSON strings hold no raw newlines, so every newline in stringified output is layout.
function indent(json: string, by: string): string {
  return json.replace(/\n/g, `\n${by}`);
}
