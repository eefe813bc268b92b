// The renderer-neutral view of a Report that Markdown, HTML and diff share: captures with `*`'s parts
// spread out as sections of their own, tables as plain data (each backend draws them its own way), and
// the small number/vCPU helpers. Per-key logic lives once, in view-keys.ts; backends only draw.

import { BUILTIN_HANDLERS } from '../console/debug-keys.js';
import { showBidi } from '../core/text-controls.js';
import type { ParsedByKey, Report, ReportCapture } from './model.js';

/** One key's output: a capture, or one part of a `*` capture (whose text is the parent's). */
export interface KeySection {
  key: string;
  description: string | null;
  start: number | null;
  lines: number;
  parsed: unknown;
  /** Index of the capture in report.captures (the parent's, for a part of `*`). */
  index: number;
  /** Set on the parts of a `*` capture. */
  partOf: '*' | null;
}

export interface Cell {
  text: string;
  /** Monospace: addresses, symbols, vCPU names. */
  code?: boolean;
  /** A hint for the eye: `bad` (stuck, crashed), `warn`, `dim` (idle, unknown). */
  tone?: 'bad' | 'warn' | 'dim' | 'good';
}

export interface Table {
  caption: string;
  columns: { label: string; numeric?: boolean }[];
  rows: Cell[][];
}

export function cell(text: string | number | null | undefined, options: Omit<Cell, 'text'> = {}): Cell {
  if (text === null || text === undefined || text === '') return { text: '—', tone: 'dim' };
  return { text: String(text), ...options };
}

export function code(text: string | null | undefined, tone?: Cell['tone']): Cell {
  if (text === null || text === undefined || text === '') return { text: '—', tone: 'dim' };
  return tone ? { text, code: true, tone } : { text, code: true };
}

/** The capture as a section, or (for `*`) the capture followed by each of its parts. */
export function sectionsOf(capture: ReportCapture, index: number): KeySection[] {
  const own: KeySection = {
    key: capture.key,
    description: capture.description ?? describeKey(capture.key),
    start: capture.start,
    lines: capture.lines,
    parsed: capture.parsed,
    index,
    partOf: null,
  };
  // A `*` part repeated as its key's capture is shown, and digested, inside its `*`.
  if (capture.found === 'star-part') return [];
  if (capture.key !== '*') return [own];
  const parts = (capture.parsed as ParsedByKey['*'] | null)?.parts ?? [];
  return [
    own,
    ...parts.map((p): KeySection => ({
      key: p.key,
      description: p.description,
      start: capture.start,
      lines: p.lines,
      parsed: p.parsed,
      index,
      partOf: '*',
    })),
  ];
}

/** Xen 4.17's own words for a key, for output (a plain log's `r`, `m`) that names no key itself. */
export function describeKey(key: string): string | null {
  return BUILTIN_HANDLERS.find((h) => h.key === key)?.description ?? null;
}

/** Every key's output in input order, `*` parts included (in place of their parent). */
export function allSections(report: Report): KeySection[] {
  return report.captures.flatMap((c, i) => sectionsOf(c, i).filter((s) => s.key !== '*' || s.partOf));
}

/** A section's structure typed by key, or null when it is another key or was not understood. */
export function parsedOf<K extends keyof ParsedByKey>(s: KeySection, key: K): ParsedByKey[K] | null {
  return s.key === key && s.parsed !== null && s.parsed !== undefined ? (s.parsed as ParsedByKey[K]) : null;
}

/** The idle domain's vCPUs (`d[IDLE]v3`, domain 32767): a CPU "running" one is doing nothing. */
export function isIdleVcpu(name: string | null | undefined): boolean {
  return name !== null && name !== undefined && /^d(?:\[IDLE\]|32767)v/.test(name);
}

/** An RIP symbol of the idle loop: the same RIP twice there means idle, not stuck. */
export function isIdleSymbol(symbol: string | null | undefined): boolean {
  return (
    symbol !== null &&
    symbol !== undefined &&
    /(?:^|#)(?:default_idle|idle_loop|acpi_idle_do_entry|mwait_idle)\b/.test(symbol)
  );
}

/** `d7v3` → { domain: 7, vcpu: 3 }; null for the idle domain or another form. */
export function parseVcpuName(name: string): { domain: number; vcpu: number } | null {
  const m = /^d(\d+)v(\d+)$/.exec(name);
  return m ? { domain: Number(m[1]), vcpu: Number(m[2]) } : null;
}

/** 1234567 → "1,234,567": independent of the locale the report happens to be made in. */
export function group(n: number): string {
  const sign = n < 0 ? '-' : '';
  const [int = '0', frac] = String(Math.abs(n)).split('.');
  return `${sign}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
}

/** 4 KiB pages as the unit people think in. */
export function pagesToSize(pages: number): string {
  return kibToSize(pages * 4);
}

export function kibToSize(kib: number): string {
  const abs = Math.abs(kib);
  if (abs >= 1024 * 1024) return `${trim(kib / (1024 * 1024))} GiB`;
  if (abs >= 1024) return `${trim(kib / 1024)} MiB`;
  return `${group(kib)} KiB`;
}

function trim(n: number): string {
  return n.toFixed(n >= 100 || n <= -100 ? 0 : 1).replace(/\.0$/, '');
}

/** "1,234 pages (4.8 MiB)" — the page count Xen printed and its size. */
export function pages(n: number | null | undefined): string | null {
  return n === null || n === undefined ? null : `${group(n)} (${pagesToSize(n)})`;
}

/** Xen's max_pages of ~0U means "no limit" (dom0 by default). */
export function maxPages(n: number | null): string | null {
  return n === 4294967295 ? 'no limit' : pages(n);
}

/** [0,1,2,3,8] → "0-3,8", the way Xen prints CPU sets. */
export function cpuList(cpus: readonly number[] | null | undefined): string | null {
  if (!cpus) return null;
  if (cpus.length === 0) return '{}';
  const out: string[] = [];
  let from = cpus[0] ?? 0;
  let prev = from;
  for (const c of [...cpus.slice(1), NaN]) {
    if (c === prev + 1) {
      prev = c;
      continue;
    }
    out.push(from === prev ? String(from) : `${from}-${prev}`);
    from = prev = c;
  }
  return out.join(',');
}

/** Session seconds as people read them: "12.3 s". */
export function seconds(t: number | null | undefined): string | null {
  return t === null || t === undefined ? null : `${t.toFixed(t < 10 ? 2 : 1)} s`;
}

/** A stable id for a capture's section (keys include `*` and `0`, so not the key itself). */
export function anchorOf(s: { key: string; index: number; partOf: string | null }): string {
  const k = /^[A-Za-z0-9]$/.test(s.key) ? s.key : `x${s.key.charCodeAt(0).toString(16)}`;
  return s.partOf ? `key-${s.index}-all-${k}` : `key-${s.index}-${k}`;
}

/** A heading for a key: "q — dump domain (and guest debug) info". */
export function keyTitle(s: { key: string; description: string | null }): string {
  return s.description ? `${s.key} — ${s.description}` : s.key;
}

/**
 * Control characters made visible (ESC → ␛, NUL → ␀, DEL → ␡, U+202E → `\u202e`): console output holds
 * them, and neither a Markdown viewer nor a browser should act on them — bidi overrides would reorder
 * what the reader sees. Tabs and newlines stay.
 */
export function showControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return showBidi(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f]/g, (c) => {
    const n = c.charCodeAt(0);
    if (n < 0x20) return String.fromCharCode(0x2400 + n);
    if (n === 0x7f) return '\u2421';
    return `\\x${n.toString(16)}`;
  });
}

/** "1,234 lines", and when the capture was parsed from a window (text-rest.ts), how much of it. */
export function linesCaption(capture: Pick<ReportCapture, 'lines' | 'parsedLines'>): string {
  const lines = `${group(capture.lines)} lines`;
  return capture.parsedLines === undefined
    ? lines
    : `${lines}; structure parsed from the first ${group(capture.parsedLines)}`;
}
