// Which console lines start an incident, and which only look as if they should. Pure. The alarms are
// the report's own detectors (parse/events.ts for Xen, parse/dom0-virt.ts for dom0's kernel), fed
// line by line; provenance.ts decides whether a line is live or text dom0 replayed.

import { parseDom0Virt } from '../parse/dom0-virt.js';
import { EventScanner, type XenEvent } from '../parse/events.js';
import { normaliseLine } from '../parse/prefix.js';
import { isBootBanner } from '../console/input-target.js';
import { Provenance } from './provenance.js';

export const BUILTIN_TRIGGERS = [
  'xen-panic',
  'fatal-trap',
  'assertion',
  'xen-bug',
  'watchdog',
  'dom0-panic',
  'soft-lockup',
  'rcu-stall',
  'hung-task',
] as const;
export type BuiltinTrigger = (typeof BUILTIN_TRIGGERS)[number];

export interface Detection {
  /** A built-in trigger's name, `on-N` for the N-th --on pattern, or `silence`. */
  trigger: string;
  /** The line (or the event's message) that fired it. */
  message: string;
  /** Raw-log offset of the line that completed the detection. */
  offset: number;
  /** Null when it should start an incident; otherwise why it must not (the text was replayed). */
  ignored: string | null;
}

export interface TriggerOptions {
  builtins: ReadonlySet<string>;
  patterns: readonly RegExp[];
  /** A command typed at dom0 owns the output until the line has been quiet this long. */
  commandQuietMs: number;
}

export interface LineIn {
  text: string;
  offset: number;
}

export class TriggerDetector {
  private xen = new EventScanner();
  private index = 0;
  readonly provenance: Provenance;

  constructor(private readonly options: TriggerOptions) {
    this.provenance = new Provenance(options.commandQuietMs);
  }

  /** Output arrived at monotonic `now` (before its lines are given to line()). */
  output(now: number): void {
    this.provenance.output(now);
  }

  /** Someone pressed Enter while input was not verified at Xen: a command went to dom0. */
  commandTyped(now: number): void {
    this.provenance.commandTyped(now);
  }

  line(line: LineIn): Detection[] {
    const text = line.text;
    if (isBootBanner(text)) {
      // A new boot: a fresh scanner, and kernel times start again from zero.
      this.xen = new EventScanner();
      this.provenance.booted();
    }
    const found: Detection[] = [];
    const n = normaliseLine(text);
    const index = this.index++;
    if (n.kind === 'xen') {
      this.xen.push(n, index);
      for (const event of this.xen.events.splice(0)) {
        const trigger = xenTrigger(event);
        if (trigger && this.options.builtins.has(trigger)) {
          const ignored = this.provenance.xenLine();
          found.push({ trigger, message: event.message, offset: line.offset, ignored });
        }
      }
    } else if (n.kind === 'foreign') {
      const ignored = this.provenance.kernelLine(n.text);
      for (const trigger of dom0Triggers(n.text)) {
        if (this.options.builtins.has(trigger))
          found.push({ trigger, message: n.text.trim(), offset: line.offset, ignored });
      }
    }
    for (const [i, re] of this.options.patterns.entries()) {
      if (re.test(text))
        found.push({
          trigger: `on-${i + 1}`,
          message: text,
          offset: line.offset,
          ignored: this.provenance.anyLine(),
        });
    }
    return found;
  }
}

function xenTrigger(e: XenEvent): BuiltinTrigger | null {
  switch (e.type) {
    case 'panic':
      // The panic's message says why: BUG() and ASSERT() end in panic() (xen/include/xen/lib.h).
      return /^Xen BUG at /.test(e.message)
        ? 'xen-bug'
        : /^Assertion '/.test(e.message)
          ? 'assertion'
          : 'xen-panic';
    case 'fatal-trap':
      return 'fatal-trap';
    case 'assertion':
      // `Xen BUG at` is an assertion event of its own line too (BUG_ON).
      return /^Xen BUG at /.test(e.message) ? 'xen-bug' : 'assertion';
    case 'watchdog':
      return 'watchdog';
    case 'dom0-crash':
      return 'dom0-panic';
    default:
      return null;
  }
}

/** The dom0 kernel's alarms on one line, by the report's own detector (dom0-virt.ts). */
function dom0Triggers(text: string): BuiltinTrigger[] {
  // The detector's own pre-filter: nearly every line is ruled out without running it.
  if (!text.includes('panic') && !text.includes('BUG') && !text.includes('INFO: ')) return [];
  const info = parseDom0Virt([text]);
  const out: BuiltinTrigger[] = [];
  if (info.panic) out.push('dom0-panic');
  for (const t of info.trouble) {
    if (t.kind === 'soft-lockup' || t.kind === 'rcu-stall' || t.kind === 'hung-task') out.push(t.kind);
  }
  return out;
}
