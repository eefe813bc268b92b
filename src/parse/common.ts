// Small shared pieces of the parsers: the base every key result extends, CPU-list and hex helpers, and
// `name=value` scanning. Xen prints CPU sets as `%*pbl` lists (`0-3,8`) and addresses as `%p` (16 hex
// digits, no 0x) — xen/common/vsprintf.c; the report keeps addresses that way, lower-case.

/** Every key parser's result keeps the lines it did not understand, verbatim. */
export interface ParsedBase {
  unrecognised: string[];
}

/** `0-3,8` → [0,1,2,3,8]; `{}` or an empty string → []; null when it is not a list. */
export function parseCpuList(text: string): number[] | null {
  const t = text
    .trim()
    .replace(/^\{|\}$/g, '')
    .trim();
  if (t === '') return [];
  const out: number[] = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    // A range this wide is a misread, not a CPU set: refuse rather than allocate.
    if (to < from || to - from > 65_536) return null;
    for (let i = from; i <= to; i++) out.push(i);
  }
  return out;
}

/** Lower-case hex without `0x`, as the report carries addresses. */
export function hex(text: string): string {
  return text.trim().replace(/^0x/i, '').toLowerCase();
}

/** A decimal or `0x` number, or null. */
export function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  return null;
}

/** `a=1 b=x c={0-1}` → { a: '1', b: 'x', c: '{0-1}' } (values end at whitespace or a comma). */
export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  // exec in a loop rather than matchAll: no iterator, and this runs for most lines of `q` and `e`.
  const re = /([A-Za-z_][\w/-]*)\s*=\s*(\{[^}]*\}|\[[^\]]*\]|[^\s,]+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

/** A `[dom.vcpu]` unit as the schedulers print it → `d0v1`, or `d[IDLE]v0` for DOMID_IDLE (32767). */
export function vcpuName(domain: number, vcpu: number): string {
  return `d${domain === 32767 ? '[IDLE]' : String(domain)}v${vcpu}`;
}

/** Header text without its volatile `(now…)` tail: "dumping domain info". */
export function headerDescription(text: string): string {
  return text.replace(/\s*\(now\s*[=-].*\)\s*$/, '').trim();
}
