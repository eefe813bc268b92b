// The public logs' readers shared by the public-logs-*.test.ts files (fixtures in test/fixtures/public,
// each citing its source on its first line).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParsedByKey } from '../../src/parse/key-parsers.js';
import { reportFromLines } from '../../src/report/build.js';
import type { Report, ReportCapture } from '../../src/report/model.js';

export const DIR = path.resolve(import.meta.dirname, '../fixtures/public');

export function publicLog(name: string): Report {
  const text = readFileSync(path.join(DIR, name), 'utf8');
  // The first line cites the source; the log follows.
  return reportFromLines(text.split('\n').slice(1), { kind: 'log', name });
}

/** The first capture of a key, as a script looking for that key would find it. */
export function capture<K extends keyof ParsedByKey>(
  r: Report,
  key: K,
): ReportCapture & { parsed: ParsedByKey[K] } {
  const c = r.captures.find((x) => x.key === key);
  if (!c) throw new Error(`no capture of key ${key}: ${r.captures.map((x) => x.key).join(' ')}`);
  return c as ReportCapture & { parsed: ParsedByKey[K] };
}

export const types = (r: Report): string[] => r.events.map((e) => e.type);
export const firstSymbol = (r: Report, type: string): string | null | undefined =>
  r.events.find((e) => e.type === type)?.callTrace?.[0]?.symbol;
