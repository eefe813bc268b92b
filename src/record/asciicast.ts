// The asciicast format, pure: the header/event model, the v2 encoders the writer uses and content
// sniffing. The tolerant v1/v2/v3 parser lives in cast-parser.ts and is re-exported from here.
// No I/O here; cast-writer.ts and session-reader.ts do the files.

export {
  CastFormatError,
  CastParser,
  parseCast,
  type CastParseOptions,
  type CastWarning,
  type ParsedCast,
} from './cast-parser.js';

import type { CastEvent, CastHeader } from './cast-types.js';

export type { CastEvent, CastHeader } from './cast-types.js';

/** Seconds with at most 6 decimals (microseconds) and never an exponent: "0", "1.5", "12.000341". */
export function formatTime(t: number): string {
  const safe = Number.isFinite(t) && t > 0 ? t : 0;
  return safe.toFixed(6).replace(/\.?0+$/, '');
}

export function encodeHeader(header: CastHeader): string {
  // version/width/height first, like asciinema, so `head -1` is readable.
  const { version: _version, width, height, ...rest } = header;
  return `${JSON.stringify({ version: 2, width, height, ...rest })}\n`;
}

export function encodeEvent(event: CastEvent): string {
  return `[${formatTime(event.time)}, ${JSON.stringify(event.code)}, ${JSON.stringify(event.data)}]\n`;
}

/**
 * Which asciicast version `prefix` (the start of a file) looks like, or null when it isn't one.
 * Cheap content sniffing for session-reader: it decides cast vs raw log before parsing.
 */
export function sniffCastVersion(prefix: string): 1 | 2 | 3 | null {
  const text = prefix.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('{')) return null;
  const newline = text.indexOf('\n');
  const firstLine = newline === -1 ? text : text.slice(0, newline);
  try {
    const version = (JSON.parse(firstLine) as { version?: unknown }).version;
    return version === 1 || version === 2 || version === 3 ? version : null;
  } catch {
    // A header line cut short by the prefix still starts with its version, as writers put it first.
    const leading = /^\{\s*"version"\s*:\s*([23])\s*,/.exec(text)?.[1];
    if (leading !== undefined) return leading === '2' ? 2 : 3;
    // A pretty-printed v1 document spreads its header over several lines.
    return /"version"\s*:\s*1\s*[,}]/.test(text) ? 1 : null;
  }
}
