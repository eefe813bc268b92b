// Text that survives a mail client: no control bytes from the console (made visible, never sent),
// tabs expanded, every line at most MAIL_WIDTH columns — prose wrapped at spaces, console lines cut
// with a marked continuation so nothing is lost and nothing is reflowed out of recognition.

import { showControls } from '../view-model.js';

/** Columns per line of prose: below the 78 mail clients and list archives keep (RFC 5322 §2.1.1). */
export const MAIL_WIDTH = 72;
/** Console lines use the whole 78: a register line fits unbroken. */
export const EXCERPT_WIDTH = 78;

/** One line as it may appear in a mail: controls visible, tabs to 8-column stops, no trailing space. */
export function mailSafe(line: string): string {
  let out = '';
  for (const ch of line.replace(/\r$/, '')) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return showControls(out).trimEnd();
}

/** Prose: broken at spaces, later lines indented like the first (plus `hang`); long words cut. */
export function wrapProse(line: string, width = MAIL_WIDTH, hang = 2): string[] {
  const safe = mailSafe(line);
  if ([...safe].length <= width) return [safe];
  const indent = ' '.repeat(Math.min(/^ */.exec(safe)?.[0].length ?? 0, width / 2) + hang);
  const out: string[] = [];
  let current = '';
  for (const word of safe.trimStart().split(' ')) {
    const lead = out.length === 0 ? ' '.repeat(safe.length - safe.trimStart().length) : indent;
    const candidate = current === '' ? `${lead}${word}` : `${current} ${word}`;
    if ([...candidate].length <= width) {
      current = candidate;
      continue;
    }
    if (current !== '') out.push(current);
    let rest = `${current === '' && out.length === 0 ? lead : indent}${word}`;
    while ([...rest].length > width) {
      const chars = [...rest];
      out.push(chars.slice(0, width).join(''));
      rest = indent + chars.slice(width).join('');
    }
    current = rest;
  }
  if (current.trim() !== '') out.push(current);
  return out;
}

/** A console line, numbered: `  123 text`, cut at the width with `    + rest` continuations. */
export function numberedLine(n: number | null, line: string, width = EXCERPT_WIDTH, gutter = 5): string[] {
  const label = n === null ? '' : String(n);
  const head = `${label.padStart(gutter)} `;
  const cont = `${'+'.padStart(gutter)} `;
  const chars = [...mailSafe(line)];
  const room = width - head.length;
  const out: string[] = [];
  for (let at = 0; at === 0 || at < chars.length; at += room)
    out.push(`${at === 0 ? head : cont}${chars.slice(at, at + room).join('')}`.trimEnd());
  return out;
}
