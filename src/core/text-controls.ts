// Characters in console text that must never act on a reader's screen: bidi overrides and isolates
// (U+202A–202E, U+2066–2069) reorder what is shown, zero-width characters and marks (U+200B–200F)
// hide; a terminal acts on C0/C1 controls. Shown instead as `\u202e`, `\x1b`: visible, never applied.

import { Buffer } from 'node:buffer';

/** Bidi and zero-width controls. */
export const BIDI_CONTROLS = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\u202e` for one UTF-16 code unit. */
export function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Bidi and zero-width controls spelled out (`\u202e`); everything else as it was. */
export function showBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, unicodeEscape);
}

/**
 * Console text for a message line on the user's terminal: controls (ESC, CR, C1, DEL…) and bidi
 * characters spelled out (`\x1b`, `\u202e`); tabs and newlines stay.
 */
export function terminalText(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : unicodeEscape(c);
  });
}

/** JSON text with the same value, but C1, DEL and bidi characters written as `\u` escapes. */
export function jsonTerminalSafe(json: string): string {
  // ASCII without DEL holds none of them: one native count and one search, instead of a regex over
  // every character of a report that is almost always plain ASCII.
  if (Buffer.byteLength(json, 'utf8') === json.length && !json.includes('\x7f')) return json;
  return json.replace(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, unicodeEscape);
}
