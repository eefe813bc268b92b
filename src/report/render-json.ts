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
  const captures = new CaptureJson(read);
  for (const [key, value] of Object.entries(report)) {
    yield `${first ? '' : ','}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (Array.isArray(value) && value.length > 0) {
      yield '[\n';
      for (const [j, item] of value.entries()) {
        yield j > 0 ? ',\n    ' : '    ';
        if (key === 'captures') yield* captures.render(item as ReportCapture);
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
  private readonly json: CaptureJson;

  constructor(
    private readonly source: () => ReportSource,
    read?: RestReader,
  ) {
    this.json = new CaptureJson(read);
  }

  *capture(capture: ReportCapture): Generator<string> {
    const head = this.open();
    yield `${head}${this.captures++ > 0 ? ',' : ''}\n    `;
    yield* this.json.render(capture);
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
function* spilled(capture: ReportCapture, read: RestReader | undefined): Generator<string> {
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

/**
 * Captures as items of `captures` (nested). A `*` part's parsed structure is also the `parsed` of that
 * part's own capture, which follows the `*` (report/finisher.ts): it is stringified once, for the `*`,
 * and the part's capture reuses that text, indented for its place (stringify's indentation is only
 * spaces after each newline, and a string holds no raw newline). The text is the same as nested's.
 */
class CaptureJson {
  /** A part's parsed structure → its JSON (terminal-safe) at depth 6, until its own capture is rendered. */
  private readonly parts = new WeakMap<object, string>();

  constructor(private readonly read: RestReader | undefined) {}

  *render(capture: ReportCapture): Generator<string> {
    if (capture.textRest) yield* spilled(capture, this.read);
    else yield this.held(capture);
  }

  private held(capture: ReportCapture): string {
    const parsed = capture.parsed as { parts?: unknown } | null;
    if (capture.key === '*' && parsed !== null && Array.isArray(parsed.parts)) return this.star(capture);
    const shared = parsed === null ? undefined : this.parts.get(parsed);
    if (shared === undefined) return nested(capture);
    this.parts.delete(parsed as object);
    // Made at depth 6, wanted at depth 3: every newline of JSON text is followed by its indentation.
    const at3 = shared.replaceAll(`\n${' '.repeat(6)}`, '\n');
    return spliced(nested, { ...capture, parsed: PLACEHOLDER }, [at3]) ?? nested(capture);
  }

  private star(capture: ReportCapture): string {
    const all = capture.parsed as unknown as { parts: { parsed: object | null }[] };
    const texts: string[] = [];
    const parts = all.parts.map((part) => {
      if (part.parsed === null || typeof part.parsed !== 'object') return part;
      // capture (2) → parsed (3) → parts (4) → part (5) → its parsed (6).
      const json = atDepth6(part.parsed);
      this.parts.set(part.parsed, json);
      texts.push(json);
      return { ...part, parsed: PLACEHOLDER };
    });
    const copy = { ...capture, parsed: { ...all, parts } as unknown as ReportCapture['parsed'] };
    return spliced(nested, copy, texts) ?? nested(capture);
  }
}

/** `value` as stringify writes it at depth 6, terminal-safe: stringified inside six arrays and cut out. */
function atDepth6(value: unknown): string {
  return jsonTerminalSafe(JSON.stringify([[[[[[value]]]]]], null, 2).slice(54, -42));
}

/** Stands for a structure rendered apart (a console line that spells it: spliced() gives up). */
const PLACEHOLDER = '\u0000xenkeys:rendered-apart\u0000';
const QUOTED_PLACEHOLDER = JSON.stringify(PLACEHOLDER);

/**
 * render(value) with its placeholders replaced by `texts` (terminal-safe already), in order; null when
 * the placeholder does not occur exactly that often (a console line that spells it: then the caller
 * renders the plain way).
 */
function spliced(render: (v: unknown) => string, value: unknown, texts: readonly string[]): string | null {
  const pieces = render(value).split(QUOTED_PLACEHOLDER);
  if (pieces.length !== texts.length + 1) return null;
  let out = pieces[0] as string;
  texts.forEach((t, i) => (out += t + (pieces[i + 1] as string)));
  return out;
}
