// The report document (`xenkeys.report/1`, /work/shared/report-contract.md): the fixed fields other tools
// read, plus extras next to them. Renderers (JSON now; Markdown, HTML later) take a Report and nothing else.

import type { BootInfo } from '../parse/boot.js';
import type { Dom0Info } from '../parse/dom0-virt.js';
import type { XenEvent } from '../parse/events.js';
import type { ParsedByKey, ParsedKey } from '../parse/key-parsers.js';
import type { Dom0Symbols, Finding } from './findings/model.js';
import type { TextRest } from './text-rest.js';

export const REPORT_SCHEMA = 'xenkeys.report/1';

export type SourceKind = 'live' | 'recording' | 'log';

export interface ReportSource {
  kind: SourceKind;
  /** The input's file name (no directory), or null (stdin, a live session without one). */
  name: string | null;
  /** Every input file, when several were read as one log. */
  files?: string[];
  /** Extra: the console recorded (a cast's title, e.g. `tcp bmc1:7000`), when known. */
  target?: string;
  /** Extra: the session's wall-clock start, ISO 8601 with its zone, when known. */
  startedAt?: string;
  /** Extra: `inband` when the keys were pressed with `xl debug-keys` and read with `xl dmesg` (docs/inband.md). */
  capture?: 'inband';
}

/** Contract fields first; the rest of BootInfo follows (see parse/boot.ts). */
export type Platform = BootInfo;

export interface ReportCapture {
  key: string;
  /** From the host's `h` list, else `[k: desc]` or Xen's header line. */
  description: string | null;
  /** Session seconds when the key was pressed; null when no marker says. */
  start: number | null;
  lines: number;
  /** The lines, verbatim (prefixes kept), joined with \n. */
  text: string;
  /** Structure for the key (ParsedByKey[key]); null when no parser knows the key. */
  parsed: ParsedKey | null;
  /**
   * Extras: how the capture was found, and (markers only) how it ended. `star-part`: one key's part of
   * the `*` capture just before it, repeated as a capture of that key (its text and parsed are the
   * part's; renderings show it inside the `*`).
   */
  found: 'marker' | 'header' | 'first-line' | 'star-sub' | 'star-part';
  end: number | null;
  endReason: string | null;
  /** A `w` replay whose closing header never came, or a marker capture cut short. */
  complete: boolean;
  /**
   * Extra, only for a capture longer than the parse window (text-rest.ts): `parsed` was read from its
   * first `parsedLines` lines; `lines` and `text` still count and hold every line.
   */
  parsedLines?: number;
  /** In memory only (never rendered as a field): where the text past the window is; `text` is its head. */
  textRest?: TextRest;
}

/** An event as the report carries it: exactly what the event scanner found (src/parse/events.ts). */
export type ReportEvent = XenEvent;

export interface ReportStats {
  lines: number;
  xenLines: number;
  guestLines: number;
  foreignLines: number;
  /** Hypervisor lines outside any capture (boot log, messages): read for platform and events only. */
  unattributedXenLines: number;
  /** The timestamp forms the host printed (`boot`, `raw`, `date`, `datems`). */
  timestampForms: string[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  source: ReportSource;
  platform: Platform;
  captures: ReportCapture[];
  events: ReportEvent[];
  /** Extra: what dom0's kernel said about itself (mode, kernel, panic). */
  dom0: Dom0Info;
  stats: ReportStats;
  /** Extra: what is wrong, ranked (findings/findings.ts); a healthy capture has one `healthy` finding. */
  findings: Finding[];
  /** Extra: the xen-syms that resolved the findings' addresses, when one was given or found. */
  symbols?: ReportSymbols;
  /** Extra: the dom0 kernel map (--dom0-map) that named dom0's guest frames, when one was given. */
  dom0Symbols?: Dom0Symbols;
  /**
   * Extra: hypervisor and guest lines outside every capture (the boot log, messages), verbatim — read
   * for platform and events, kept here so nothing is dropped; bounded, `droppedLines` counts the rest.
   */
  other: { lines: number; text: string; droppedLines: number };
}

export interface ReportSymbols {
  /** The xen-syms file's name (no directory). */
  file: string;
  buildId: string | null;
  /** Xen addresses looked up: the findings', the events' call traces and every `d` dump's. */
  addresses: number;
  resolved: number;
  /** Address → `function (file:line)` as addr2line gave it (inlined callers after ` ← `). */
  frames: Record<string, string>;
}

/** A capture's structure, typed by its key: `parsedAs(c, 'q')?.domains`. */
export function parsedAs<K extends keyof ParsedByKey>(capture: ReportCapture, key: K): ParsedByKey[K] | null {
  return capture.key === key && capture.parsed !== null ? (capture.parsed as ParsedByKey[K]) : null;
}

export type { ParsedByKey, ParsedKey };
