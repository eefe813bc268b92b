// A cheap gate before the regexes: most console lines match none of a scanner's anchored patterns, and
// the first character alone tells which few could match. `FirstCharRules` files each `^…` rule under
// the characters its match can begin with (read from the pattern's source), keeping the rules' order;
// a rule whose first character it cannot tell (`^\s*…`, an optional first token) is tried for every line.

export type Rule<T> = readonly [RegExp, T];

export class FirstCharRules<T> {
  private readonly byChar = new Map<number, Rule<T>[]>();
  private readonly always: Rule<T>[] = [];
  /** byChar for ASCII, as an array: the lookup is made for every line by several scanners. */
  private readonly ascii: (readonly Rule<T>[])[];

  constructor(private readonly rules: readonly Rule<T>[]) {
    const firsts = rules.map((r) => firstChars(r[0]));
    for (const set of firsts) for (const c of set ?? []) this.byChar.set(c, []);
    rules.forEach((rule, i) => {
      const set = firsts[i];
      if (set === null || set === undefined) {
        this.always.push(rule);
        for (const list of this.byChar.values()) list.push(rule);
      } else for (const c of set) this.byChar.get(c)?.push(rule);
    });
    this.ascii = Array.from({ length: 128 }, (_, c) => this.byChar.get(c) ?? this.always);
  }

  /** The rules that can match a line starting with this text, in their original order. */
  candidates(text: string): readonly Rule<T>[] {
    const c = text.charCodeAt(0);
    return (c < 128 ? this.ascii[c] : this.byChar.get(c)) ?? this.always;
  }

  /** The first rule that matches, with its match, or null. */
  match(text: string): { value: T; match: RegExpExecArray } | null {
    for (const [re, value] of this.candidates(text)) {
      const match = re.exec(text);
      if (match) return { value, match };
    }
    return null;
  }

  /** Every rule, in order (for tests: the gate must never change which rule matches). */
  all(): readonly Rule<T>[] {
    return this.rules;
  }
}

const SPECIAL = new Set('\\.[]()?*+{}|^$');

/**
 * The character codes a match of an anchored pattern can start with, or null when that cannot be read
 * simply from its source (then the rule is always tried: the gate may be loose, never wrong).
 */
export function firstChars(re: RegExp): Set<number> | null {
  const src = re.source;
  if (!src.startsWith('^') || re.flags.includes('m') || topLevelBar(src)) return null;
  const alternatives = topAlternatives(src.slice(1));
  if (alternatives === null) return null;
  const out = new Set<number>();
  for (const alt of alternatives) {
    const chars = leadingChars(alt);
    if (chars === null) return null;
    for (const c of chars) {
      out.add(c.charCodeAt(0));
      if (re.flags.includes('i')) {
        out.add(c.toLowerCase().charCodeAt(0));
        out.add(c.toUpperCase().charCodeAt(0));
      }
    }
  }
  return out;
}

/** `^a|b` is `(^a)|(b)`: the anchor covers the first alternative only. */
function topLevelBar(src: string): boolean {
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** `(?:a|b)rest` or `(a|b)rest` → the alternatives (each followed by rest, which doesn't matter here). */
function topAlternatives(src: string): string[] | null {
  if (!src.startsWith('(')) return [src];
  if (src.startsWith('(?') && !src.startsWith('(?:')) return null;
  const body = src.startsWith('(?:') ? 3 : 1;
  const parts: string[] = [];
  let depth = 0;
  let from = body;
  for (let i = body; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      // A class may hold ')' or '|': skip to its end.
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === '|' && depth === 0) {
      parts.push(src.slice(from, i));
      from = i + 1;
    } else if (c === ')') {
      if (depth > 0) {
        depth--;
        continue;
      }
      parts.push(src.slice(from, i));
      // A group that may be skipped or repeated zero times leaves the first character open.
      return /^[?*]|^\{0/.test(src.slice(i + 1)) ? null : parts;
    }
  }
  return null;
}

/** What `\s` matches (ECMAScript WhiteSpace and LineTerminator). */
const WHITESPACE = [
  ...'\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
];

/** The characters an alternative can start with: a literal, or `\s*` and then one; null otherwise. */
function leadingChars(alt: string): string[] | null {
  if (alt.startsWith('\\s*')) {
    const after = leadingLiteral(alt.slice(3));
    return after === null ? null : [...WHITESPACE, after];
  }
  const c = leadingLiteral(alt);
  return c === null ? null : [c];
}

/** The literal character an alternative must start with, or null. */
function leadingLiteral(alt: string): string | null {
  let c: string;
  let next: number;
  if (alt.startsWith('\\')) {
    const e = alt[1] ?? '';
    // Escaped punctuation is itself; `\d`, `\s`, `\w`… are classes.
    if (e === '' || /[A-Za-z0-9]/.test(e)) return null;
    c = e;
    next = 2;
  } else {
    c = alt[0] ?? '';
    if (c === '' || SPECIAL.has(c)) return null;
    next = 1;
  }
  return /^[?*]|^\{0/.test(alt.slice(next)) ? null : c;
}
