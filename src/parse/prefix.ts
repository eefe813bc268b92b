// Line normalisation for every parser: strips whatever a logger put in front of `(XEN)` (a conserver or
// syslog stamp, the busybox prompt), the `(XEN) ` / `(dN) ` prefix, a `console_timestamps` stamp and CRs,
// and says whose line it is. Formats: xen/drivers/char/console.c (printk_start_of_line, guest_printk).

export type LineKind = 'xen' | 'guest' | 'foreign';
export type TimestampForm = 'date' | 'datems' | 'boot' | 'raw';

export interface Timestamp {
  form: TimestampForm;
  /** As printed, without the brackets. */
  text: string;
  /** Seconds since boot, for the `boot` form only. */
  seconds: number | null;
}

export interface NormLine {
  /** The line as given, minus carriage returns. */
  raw: string;
  /** `xen`: a hypervisor printk; `guest`: `(dN) ` or an Arm vpl011 `DOMn:` line; `foreign`: no prefix. */
  kind: LineKind;
  /** Text in front of the prefix (logger stamp, shell prompt), or null. */
  leader: string | null;
  /** The guest domain for `guest` lines. */
  domain: number | null;
  timestamp: Timestamp | null;
  /** The message: no leader, prefix or timestamp. For foreign lines, the whole line. */
  text: string;
}

// `(XEN) ` or `(d12) `; a line whose trailing space was trimmed ends right after the parenthesis.
const PREFIX = /\((XEN|d\d{1,5})\)(?: |$)/;
// xen-console.md §7; the forms are date, datems, boot (`%5u.%06u`) and raw (`%016x`, 4.12+).
const STAMP = /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})?|\s*\d+\.\d{6}|[0-9a-f]{16})\](?: |$)/;
const XEN_AGAIN = /^\s*\(XEN\)(?: |$)/;
// Arm domUs behind a Xen-backed vpl011 without the input focus: `printk("DOM%u: %s", …)` (arch/arm/vpl011.c).
const VPL011 = /^DOM(\d+): /;

export function normaliseLine(input: string): NormLine {
  const raw = input.includes('\r') ? input.replace(/\r/g, '') : input;
  const m = PREFIX.exec(raw);
  if (!m) return { raw, kind: 'foreign', leader: null, domain: null, timestamp: null, text: raw };
  const leader = m.index > 0 ? raw.slice(0, m.index) : null;
  let rest = raw.slice(m.index + m[0].length);
  let timestamp: Timestamp | null = null;
  const s = STAMP.exec(rest);
  if (s) {
    timestamp = stamp(s[1] ?? '', s[2] !== undefined);
    rest = rest.slice(s[0].length);
  }
  // Two CPUs printing at once can leave a second prefix (and stamp) at the start of the text:
  // `(XEN) (XEN) Xen version …`. The text is what follows the last of them.
  for (let again = XEN_AGAIN.exec(rest); again; again = XEN_AGAIN.exec(rest)) {
    rest = rest.slice(again[0].length);
    const s2 = STAMP.exec(rest);
    if (s2) rest = rest.slice(s2[0].length);
  }
  const tag = m[1] ?? 'XEN';
  if (tag !== 'XEN') {
    return { raw, kind: 'guest', leader, domain: Number(tag.slice(1)), timestamp, text: rest };
  }
  const vpl = VPL011.exec(rest);
  if (vpl) {
    return {
      raw,
      kind: 'guest',
      leader,
      domain: Number(vpl[1]),
      timestamp,
      text: rest.slice(vpl[0].length),
    };
  }
  return { raw, kind: 'xen', leader, domain: null, timestamp, text: rest };
}

function stamp(text: string, millis: boolean): Timestamp {
  if (text.includes('-')) return { form: millis ? 'datems' : 'date', text, seconds: null };
  if (text.includes('.')) return { form: 'boot', text: text.trim(), seconds: Number(text) };
  return { form: 'raw', text, seconds: null };
}

/** The message texts of the hypervisor's own lines, for parsers that only read those. */
export function xenTexts(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const n = normaliseLine(line);
    if (n.kind === 'xen') out.push(n.text);
  }
  return out;
}
