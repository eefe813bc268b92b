// The asciicast parser, pure: reads v2, v3 (interval times, comments, exit events) and v1 (one JSON
// document) line by line and normalises all to a v2 header with absolute event times. Tolerates a
// killed writer's incomplete last line; anything else malformed is a CastFormatError with its line.

import { XenkeysError } from '../core/errors.js';
import type { CastEvent, CastHeader } from './cast-types.js';

export interface CastWarning {
  /** 1-based line in the source, or null when the warning is about the file as a whole. */
  line: number | null;
  message: string;
}

export interface ParsedCast {
  header: CastHeader;
  events: CastEvent[];
  warnings: CastWarning[];
  /** The version the source was written in (the header is normalised to 2 regardless). */
  sourceVersion: 1 | 2 | 3;
}

export interface CastParseOptions {
  /** A file name for error messages. */
  source?: string;
}

/** Malformed asciicast input; `line` is 1-based, `snippet` is the start of the offending text. */
export class CastFormatError extends XenkeysError {
  readonly line: number;
  readonly snippet: string;

  constructor(reason: string, line: number, snippet: string, source?: string) {
    const where = `${source ?? 'asciicast'} line ${line}`;
    super('bad-input', `${where}: ${reason}${snippet === '' ? '' : ` (near ${JSON.stringify(snippet)})`}`, {
      hint: 'Expected an asciicast v1/v2/v3 recording (as written by xenkeys or asciinema).',
    });
    this.name = 'CastFormatError';
    this.line = line;
    this.snippet = snippet;
  }
}

const SNIPPET_LENGTH = 60;
const snippetOf = (text: string): string =>
  text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH)}…` : text;

/**
 * The latest event time we believe (about three years): beyond it a time is crafted or corrupt, and
 * replaying it would wait forever (or, past setTimeout's range, spin).
 */
export const MAX_EVENT_SECONDS = 1e8;

/** Rounds to microseconds so summed v3 intervals don't drift into 0.30000000000000004. */
const roundMicros = (t: number): number => Math.round(t * 1e6) / 1e6;

/** Parses a whole cast held in memory. Throws CastFormatError. */
export function parseCast(text: string, options: CastParseOptions = {}): ParsedCast {
  const parser = new CastParser(options);
  const events = parser.push(text);
  // A loop, not push(...): a v1 file's events all arrive from end(), too many for spread args.
  for (const event of parser.end()) events.push(event);
  const { header, sourceVersion } = parser;
  // end() throws when there is no header, so this only satisfies the type checker.
  if (header === null || sourceVersion === null)
    throw new CastFormatError('no header', 1, '', options.source);
  return { header, events, warnings: parser.warnings, sourceVersion };
}

type Mode = 'start' | 'lines' | 'v1';

/**
 * Line-by-line parser: feed text chunks with push(), get the events completed so far; end()
 * finishes. Only v1 (one JSON document) is buffered whole; v1 files are old and small.
 */
export class CastParser {
  header: CastHeader | null = null;
  sourceVersion: 1 | 2 | 3 | null = null;
  readonly warnings: CastWarning[] = [];

  private readonly source: string | undefined;
  private mode: Mode = 'start';
  private pending = '';
  private lineNo = 0;
  private v1Text = '';
  private lastTime = 0;
  private firstBackwards: { line: number; count: number } | null = null;
  private ended = false;

  constructor(options: CastParseOptions = {}) {
    this.source = options.source;
  }

  push(chunk: string): CastEvent[] {
    if (this.ended) throw new Error('CastParser.push after end()');
    const out: CastEvent[] = [];
    const parts = (this.pending + chunk).split('\n');
    this.pending = parts.pop() ?? '';
    for (const part of parts) this.line(part, true, out);
    return out;
  }

  end(): CastEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const out: CastEvent[] = [];
    if (this.pending !== '') this.line(this.pending, false, out);
    this.pending = '';
    if (this.mode === 'v1') return this.finishV1();
    if (this.header === null)
      throw this.fail('empty file: no asciicast header', Math.max(this.lineNo, 1), '');
    if (this.firstBackwards !== null) {
      const { line, count } = this.firstBackwards;
      this.warnings.push({
        line,
        message: `${count} event time(s) went backwards; clamped to the previous time`,
      });
    }
    return out;
  }

  private fail(reason: string, line: number, text: string): CastFormatError {
    return new CastFormatError(reason, line, snippetOf(text), this.source);
  }

  /** `terminated` is false only for the file's last line when it lacks a '\n'. */
  private line(raw: string, terminated: boolean, out: CastEvent[]): void {
    this.lineNo += 1;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.lineNo === 1) text = text.replace(/^\uFEFF/, '');
    if (this.mode === 'v1') {
      this.v1Text += `${text}\n`;
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (this.mode === 'start') return this.headerLine(trimmed);
    if (trimmed.startsWith('#')) return; // v3 comment lines
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      if (!terminated) {
        // What a killed writer leaves behind: keep everything before it.
        this.warnings.push({ line: this.lineNo, message: 'dropped an incomplete last line' });
        return;
      }
      throw this.fail('event is not valid JSON', this.lineNo, trimmed);
    }
    out.push(this.event(parsed, trimmed));
  }

  private headerLine(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (text.startsWith('{')) {
        // Probably a pretty-printed v1 document: collect it all and parse at end().
        this.mode = 'v1';
        this.v1Text = `${text}\n`;
        return;
      }
      throw this.fail('not an asciicast: the first line is not a JSON header', this.lineNo, text);
    }
    if (!isObject(parsed)) throw this.fail('the header must be a JSON object', this.lineNo, text);
    if (parsed.version === 1) {
      this.mode = 'v1';
      this.v1Text = `${text}\n`;
      return;
    }
    if (parsed.version !== 2 && parsed.version !== 3) {
      throw this.fail(`unsupported asciicast version ${JSON.stringify(parsed.version)}`, this.lineNo, text);
    }
    this.sourceVersion = parsed.version;
    this.header = this.normaliseHeader(parsed, this.lineNo, text);
    this.mode = 'lines';
  }

  private event(parsed: unknown, text: string): CastEvent {
    if (
      !Array.isArray(parsed) ||
      parsed.length < 3 ||
      typeof parsed[0] !== 'number' ||
      !Number.isFinite(parsed[0]) ||
      typeof parsed[1] !== 'string' ||
      typeof parsed[2] !== 'string'
    ) {
      throw this.fail('an event must be [time, code, data]', this.lineNo, text);
    }
    const [stamp, code, data] = parsed as [number, string, string];
    // v2 stamps are absolute; v3 stamps are intervals since the previous event.
    const wanted = this.sourceVersion === 3 ? roundMicros(this.lastTime + stamp) : stamp;
    this.checkTime(wanted, this.lineNo, text);
    if (wanted < this.lastTime) {
      if (this.firstBackwards === null) this.firstBackwards = { line: this.lineNo, count: 0 };
      this.firstBackwards.count += 1;
    }
    this.lastTime = Math.max(this.lastTime, wanted);
    return { time: this.lastTime, code, data };
  }

  private checkTime(seconds: number, line: number, text: string): void {
    if (seconds <= MAX_EVENT_SECONDS) return; // false for NaN and Infinity too
    throw this.fail(
      `event time ${seconds} s is not a plausible recording time (the limit is ${MAX_EVENT_SECONDS} s, about three years)`,
      line,
      text,
    );
  }

  private finishV1(): CastEvent[] {
    let doc: unknown;
    try {
      doc = JSON.parse(this.v1Text);
    } catch (error) {
      const position = /position (\d+)/.exec(String(error))?.[1];
      const offset = position === undefined ? 0 : Number(position);
      const line = this.v1Text.slice(0, offset).split('\n').length;
      throw this.fail('not valid asciicast v1 JSON', line, this.v1Text.split('\n')[line - 1] ?? '');
    }
    if (!isObject(doc) || doc.version !== 1 || !Array.isArray(doc.stdout)) {
      throw this.fail('not an asciicast v1 document (needs version 1 and stdout)', 1, this.v1Text);
    }
    const { stdout, ...rest } = doc;
    this.sourceVersion = 1;
    this.header = this.normaliseHeader({ ...rest, version: 2 }, 1, this.v1Text);
    const events: CastEvent[] = [];
    let time = 0;
    for (const [index, frame] of stdout.entries()) {
      if (!Array.isArray(frame) || typeof frame[0] !== 'number' || typeof frame[1] !== 'string') {
        throw this.fail(`stdout[${index}] must be [delay, data]`, 1, String(JSON.stringify(frame)));
      }
      time = roundMicros(time + Math.max(0, frame[0]));
      this.checkTime(time, 1, String(JSON.stringify(frame)));
      events.push({ time, code: 'o', data: frame[1] });
    }
    return events;
  }

  private normaliseHeader(raw: Record<string, unknown>, line: number, text: string): CastHeader {
    const { version, width, height, term, ...rest } = raw;
    let cols: unknown = width;
    let rows: unknown = height;
    const extra: Record<string, unknown> = {};
    if (version === 3) {
      if (!isObject(term)) throw this.fail('a v3 header needs term: {cols, rows}', line, text);
      const { cols: c, rows: r, ...termRest } = term;
      cols = c;
      rows = r;
      if (Object.keys(termRest).length > 0) extra.term = termRest; // type, theme: kept, not used
    } else if (term !== undefined) {
      extra.term = term;
    }
    if (!isSize(cols) || !isSize(rows))
      throw this.fail('the header needs a positive width and height', line, text);
    const header: CastHeader = { version: 2, width: cols, height: rows };
    for (const [key, value] of Object.entries(rest)) {
      if (key === 'env' && isObject(value)) {
        // Some recorders write null for unset variables; keep the strings.
        header.env = Object.fromEntries(
          Object.entries(value).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>;
        continue;
      }
      if (!fieldOk(key, value)) {
        this.warnings.push({ line, message: `ignored header field ${key} of the wrong type` });
        continue;
      }
      header[key] = value;
    }
    return Object.assign(header, extra);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isSize = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/** Type checks for the typed header fields; unknown keys are taken as they come. */
function fieldOk(key: string, value: unknown): boolean {
  switch (key) {
    case 'timestamp':
    case 'duration':
    case 'idle_time_limit':
      return typeof value === 'number' && Number.isFinite(value);
    case 'title':
      return typeof value === 'string';
    case 'env':
      return false; // only reached when env is not an object
    default:
      return true;
  }
}
