// Shared by the robustness tests: run bytes through the streaming report path (the session fold → builder →
// JsonReportStream), the way `xenkeys report` does, and check what any report must satisfy — valid JSON,
// the contract, and no hypervisor or guest line lost (each is in a capture's text or in `other`).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { LineSplitter } from '../../src/pipeline/line-splitter.js';
import { SessionFold } from '../../src/pipeline/session-fold.js';
import { normaliseLine } from '../../src/parse/prefix.js';
import { ReportBuilder } from '../../src/report/build.js';
import { builderSink } from '../../src/report/fold-feed.js';
import type { Report } from '../../src/report/model.js';
import { JsonReportStream } from '../../src/report/render-json.js';
import { contractProblems } from '../../src/report/contract-check.js';

export const RECORDINGS = path.resolve(import.meta.dirname, '../../recordings');
export const NAMES = readdirSync(RECORDINGS).filter((n) =>
  existsSync(path.join(RECORDINGS, n, 'session.raw')),
);

export function recordingBytes(name: string, file = 'session.raw'): Uint8Array {
  return new Uint8Array(readFileSync(path.join(RECORDINGS, name, file)));
}

/** Every recording's raw log, one after another: a log with every key in it. */
export function allRecordings(): Uint8Array {
  return Buffer.concat(NAMES.map((n) => recordingBytes(n)));
}

/** The report document as `xenkeys report` streams it, parsed back. */
export function streamedReport(bytes: Uint8Array, chunk = 64 * 1024): Record<string, unknown> {
  const source = { kind: 'log' as const, name: null };
  const json = new JsonReportStream(() => source);
  const parts: string[] = [];
  const builder = new ReportBuilder(source, { onCapture: (c) => parts.push(...json.capture(c)) });
  const fold = new SessionFold(builderSink(builder, { times: false }));
  for (let at = 0; at < bytes.length; at += chunk) fold.output(bytes.subarray(at, at + chunk), 0);
  fold.end();
  parts.push(...json.end(builder.finish()));
  return JSON.parse(parts.join('')) as Record<string, unknown>;
}

/** The lines the splitter makes of the bytes, read in one piece. */
export function referenceLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const splitter = new LineSplitter((l) => out.push(l.text));
  splitter.push(bytes);
  splitter.end();
  return out;
}

/**
 * A report of these lines honours the contract and keeps every hypervisor and guest line: each is in
 * some capture's text or in `other` (when `other` was not cut short by its bound).
 */
export function expectSound(report: Record<string, unknown> | Report, input: readonly string[]): void {
  expect(contractProblems(report)).toEqual([]);
  const r = report as Report;
  expect(r.stats.lines).toBe(input.length);
  if (r.other.droppedLines > 0) return;
  const kept = new Map<string, number>();
  const keep = (line: string): void => void kept.set(line, (kept.get(line) ?? 0) + 1);
  for (const c of r.captures) if (c.text !== '' || c.lines > 0) c.text.split('\n').forEach(keep);
  if (r.other.text !== '' || r.other.lines > 0) r.other.text.split('\n').forEach(keep);
  const missing: string[] = [];
  for (const line of input) {
    if (normaliseLine(line).kind === 'foreign') continue;
    const n = kept.get(line) ?? 0;
    if (n === 0) missing.push(line);
    else kept.set(line, n - 1);
  }
  expect(missing.slice(0, 5)).toEqual([]);
}
