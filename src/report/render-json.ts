// The JSON rendering of a Report: the contract document itself (/work/shared/report-contract.md),
// two-space indented, ending with a newline — `JSON.stringify(report, null, 2)`, except that C1, DEL
// and bidi characters in strings are written as `\u` escapes (the same value, but `cat report.json`
// cannot act on the terminal or reorder what it shows). It comes in
// pieces, one array item at a time, so a report of a huge log never has to exist as one string; and
// `JsonReportStream` writes the captures while the input is still being read (the contract fixes the
// field names, not their order: `schema`, `source`, `captures`, then what is only known at the end).

import { jsonTerminalSafe } from '../core/text-controls.js';
import { REPORT_SCHEMA, type Report, type ReportCapture, type ReportSource } from './model.js';
import { type RestReader, wholeText } from './text-rest.js';

export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join('');
}

/** `read`: where the text of captures too long to hold (text-rest.ts) is read back from. */
export function* renderJsonChunks(report: Report, read?: RestReader): Generator<string> {
  yield '{';
  let first = true;
  for (const [key, value] of Object.entries(report)) {
    yield `${first ? '' : ','}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (Array.isArray(value) && value.length > 0) {
      yield '[\n';
      for (const [j, item] of value.entries()) {
        yield j > 0 ? ',\n    ' : '    ';
        if (key === 'captures') yield* captureJson(item as ReportCapture, read);
        else yield nested(item);
      }
      yield '\n  ]';
    } else yield member(value);
  }
  yield first ? '}\n' : '\n}\n';
}

/**
 * The same text as renderJsonChunks, written as the report is built: `capture` for each capture as it
 * completes, then `end` with the finished report (whose own `captures` are not written again). The
 * report's keys must start schema, source, captures — ReportBuilder.finish() makes them so.
 */
export class JsonReportStream {
  private captures = 0;
  private opened = false;

  constructor(
    private readonly source: () => ReportSource,
    private readonly read?: RestReader,
  ) {}

  *capture(capture: ReportCapture): Generator<string> {
    const head = this.open();
    yield `${head}${this.captures++ > 0 ? ',' : ''}\n    `;
    yield* captureJson(capture, this.read);
  }

  *end(report: Report): Generator<string> {
    yield this.open();
    yield this.captures > 0 ? '\n  ]' : ']';
    for (const [key, value] of Object.entries(report)) {
      if (key === 'schema' || key === 'source' || key === 'captures') continue;
      if (Array.isArray(value) && value.length > 0) {
        yield `,\n  ${JSON.stringify(key)}: [\n`;
        for (const [j, item] of value.entries()) yield `${j > 0 ? ',\n' : ''}    ${nested(item)}`;
        yield '\n  ]';
      } else yield `,\n  ${JSON.stringify(key)}: ${member(value)}`;
    }
    yield '\n}\n';
  }

  private open(): string {
    if (this.opened) return '';
    this.opened = true;
    return `{\n  "schema": ${member(REPORT_SCHEMA)},\n  "source": ${member(this.source())},\n  "captures": [`;
  }
}

/** A capture as an array item; one whose text is partly spilled has that text copied in, in pieces. */
function* captureJson(capture: ReportCapture, read: RestReader | undefined): Generator<string> {
  if (!capture.textRest) {
    yield nested(capture);
    return;
  }
  const shown: Partial<ReportCapture> = { ...capture, text: '' };
  delete shown.textRest;
  const json = nested(shown);
  // The first `"text": ` is the capture's own: the fields before it hold no unescaped quote.
  const at = json.indexOf('"text": ""') + '"text": "'.length;
  yield json.slice(0, at);
  // Pieces never split a surrogate pair (the rest is read back whole characters at a time), so each
  // is escaped exactly as its part of the whole string would be.
  for (const piece of wholeText(capture, read)) yield jsonTerminalSafe(JSON.stringify(piece).slice(1, -1));
  yield json.slice(at);
}

// Indented as a member of the top-level object (depth 1) or an item of one of its arrays (depth 2):
// stringified inside as many wrapping arrays and cut out, so no second pass re-indents a big string.
function member(value: unknown): string {
  return jsonTerminalSafe(JSON.stringify([value], null, 2).slice(4, -2));
}

function nested(value: unknown): string {
  return jsonTerminalSafe(JSON.stringify([[value]], null, 2).slice(10, -6));
}
