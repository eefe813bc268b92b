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
const SPACE = 0x20;
const BRACKET = 0x5b;

export function normaliseLine(input: string): NormLine {
  const raw = input.includes('\r') ? input.replace(/\r/g, '') : input;
  // Mail clients turn runs of spaces into no-break spaces (quoted-printable =C2=A0); Xen prints none.
  if (raw.includes('\u00a0')) return { ...normaliseLine(raw.replace(/\u00a0/g, ' ')), raw };
  // Most lines of a Xen console start with the prefix itself: no search needed for those.
  let at: number;
  let tag: string;
  if (raw.startsWith('(XEN)') && (raw.length === 5 || raw.charCodeAt(5) === SPACE)) {
    at = 0;
    tag = 'XEN';
  } else {
    // Every prefix has a parenthesis: most other lines are told by one search.
    const m = raw.includes('(') ? PREFIX.exec(raw) : null;
    if (!m) return { raw, kind: 'foreign', leader: null, domain: null, timestamp: null, text: raw };
    at = m.index;
    tag = m[1] ?? 'XEN';
  }
  const leader = at > 0 ? raw.slice(0, at) : null;
  // The prefix is `(XEN) ` / `(dN) ` or, with its trailing space trimmed, ends the line.
  const after = at + tag.length + 2;
  let rest = raw.slice(raw.charCodeAt(after) === SPACE ? after + 1 : after);
  let timestamp: Timestamp | null = null;
  if (rest.charCodeAt(0) === BRACKET) {
    const s = STAMP.exec(rest);
    if (s) {
      timestamp = stamp(s[1] ?? '', s[2] !== undefined);
      rest = rest.slice(s[0].length);
    }
  }
  // Two CPUs printing at once can leave a second prefix (and stamp) at the start of the text:
  // `(XEN) (XEN) Xen version …`. The text is what follows the last of them.
  while (mayRepeatPrefix(rest)) {
    const again = XEN_AGAIN.exec(rest);
    if (!again) break;
    rest = rest.slice(again[0].length);
    const s2 = rest.charCodeAt(0) === BRACKET ? STAMP.exec(rest) : null;
    if (s2) rest = rest.slice(s2[0].length);
  }
  if (tag !== 'XEN') {
    return { raw, kind: 'guest', leader, domain: Number(tag.slice(1)), timestamp, text: rest };
  }
  const vpl = rest.startsWith('DOM') ? VPL011.exec(rest) : null;
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

/**
 * XEN_AGAIN can only match text that starts with `(` or with white space (most text starts otherwise),
 * and holds `(XEN)` (register rows and stack words start with spaces: one search turns them away).
 */
function mayRepeatPrefix(rest: string): boolean {
  const c = rest.charCodeAt(0);
  return (c === 0x28 || c <= 0x20 || c === 0xa0 || c >= 0x1680) && rest.includes('(XEN)');
}

function stamp(text: string, millis: boolean): Timestamp {
  if (text.includes('-')) return { form: millis ? 'datems' : 'date', text, seconds: null };
  if (text.includes('.')) return { form: 'boot', text: text.trim(), seconds: Number(text) };
  return { form: 'raw', text, seconds: null };
}

/**
 * A copy of `s` that shares no memory with the text it was cut from. A slice of a string keeps the whole
 * string alive (V8 sliced strings), and a line is a slice of the megabyte read with it: anything kept
 * past the line's capture (events, boot facts, the sample of other lines) is detached first, or a
 * 200 MB log would stay in memory a few bytes at a time. Slices under 13 characters are copies already.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Every line of an array normalised, in order (so a pasted log without prefixes is adopted: LineNormaliser). */
export function normaliseAll(lines: readonly string[]): NormLine[] {
  const n = new LineNormaliser();
  return lines.map((l) => n.next(l));
}

/**
 * Lines only Xen prints, at the start of a line: one of them without its `(XEN) ` prefix means a Xen log
 * was pasted without prefixes (a forum post, a bug tracker, `xl dmesg | cut`, a mail that dropped them).
 * Sources: xen/drivers/char/console.c (panic), arch/x86/traps.c and common/bug.c, common/keyhandler.c,
 * common/sched/cpupool.c, arch/*\/setup.c (xen-console.md §4–§6).
 */
const BARE_XEN = new RegExp(
  [
    "^'.' pressed -> ",
    '^Panic on CPU \\d+:$',
    '^----\\[ Xen-\\d+\\.\\d+',
    '^\\*\\*\\* Dumping (?:CPU\\d+ (?:host|guest) state|Dom\\d+ vcpu#\\d+ state)',
    '^Xen call trace:$',
    '^Xen stack trace from [re]?sp=',
    '^Watchdog timer detects that CPU\\d+ is stuck',
    "^Assertion '.*' failed",
    '^Xen BUG at \\S+:\\d+',
    '^sched_smt_power_savings: ',
    '^General information for domain \\d+:$',
    '^Xen version \\d+\\.\\d+\\S* \\(',
    '^Brought up \\d+ CPUs$',
    '^Using scheduler: .+ \\(\\w+\\)$',
  ].join('|'),
);
/** What ends a run of bare Xen lines: a Linux kernel line, a shell prompt, a guest's or Xen's prefix. */
const NOT_XEN = /^\[\s*\d+\.\d+\]|^[#$] |^\S+@\S+[:~][^ ]*[#$] /;

/**
 * normaliseLine for lines in order, which also reads a Xen log pasted without its `(XEN) ` prefixes:
 * from a line only Xen prints (BARE_XEN) until a line that is plainly something else (NOT_XEN) or one
 * with a prefix of its own, unprefixed lines are Xen's (`leader` null, the text as it is). A log with
 * the prefix on some lines only is read the same way. Nothing changes for a log whose Xen lines all
 * carry the prefix: no unprefixed line there looks like BARE_XEN.
 */
export class LineNormaliser {
  private bare = false;

  next(raw: string): NormLine {
    const n = normaliseLine(raw);
    if (n.kind !== 'foreign') {
      if (n.kind === 'guest') this.bare = false;
      return n;
    }
    const t = n.text;
    if (!this.bare) {
      if (!BARE_XEN.test(t)) return n;
      this.bare = true;
    } else if (NOT_XEN.test(t)) {
      this.bare = false;
      return n;
    }
    return { ...n, kind: 'xen' };
  }
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
