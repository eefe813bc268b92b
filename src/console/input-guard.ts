// What may reach the wire, decided in the console layer so no UI can get it wrong.
// While input goes to Xen every byte is a debug key: ESC [ C holds `C` (crash dump) and a
// cursor-position report ESC [ r ; c R ends in `R` (reboot). Xen also strips bit 7, so 0xD2 is `R`.
// At Xen only a single intended key byte (or the switch byte) passes; everything else is refused.

import type { InputTarget } from './input-target.js';

/** Who produced the bytes: a typed key, our terminal emulator answering a query, a paste, or automation. */
export type InputOrigin = 'keyboard' | 'terminal-reply' | 'paste' | 'debug-key' | 'switch';

export type RefusalReason =
  | 'escape-sequence'
  | 'terminal-reply'
  | 'non-ascii'
  | 'control-byte'
  | 'several-keys'
  | 'dangerous-key'
  | 'unverified';

export interface GuardVerdict {
  /** Bytes to write (possibly empty). */
  allowed: Uint8Array;
  /** Why anything was held back, for the status line / stderr. */
  refusal: { reason: RefusalReason; detail: string } | null;
}

export interface GuardContext {
  target: InputTarget;
  switchCode: number;
  /** Is this key dangerous on this target (reboot, crash dump, NMI …)? */
  isDangerous: (key: string) => boolean;
  /** Keys the user confirmed for this one write. */
  confirmed?: ReadonlySet<string>;
}

const ESC = 0x1b;

export function guardInput(bytes: Uint8Array, origin: InputOrigin, ctx: GuardContext): GuardVerdict {
  if (bytes.length === 0) return pass(bytes);
  if (origin === 'switch')
    return onlySwitchBytes(bytes, ctx.switchCode)
      ? pass(bytes)
      : refuse('control-byte', 'a switch is the switch byte only');

  // A domain's console is a normal terminal: everything passes, terminal replies included.
  if (ctx.target.startsWith('dom')) return pass(bytes);

  // Unknown or unverified: it may be Xen. Typing passes (the common case is dom0 on a long-booted
  // host, and the status line says `input: ?`), but nothing a terminal generates, no byte Xen would
  // read as another key, and no automated debug key may reach a possible Xen.
  if (ctx.target === 'unknown') {
    if (origin === 'terminal-reply')
      return refuse('terminal-reply', 'terminal reply held back: input may be at Xen');
    if (origin === 'debug-key')
      return refuse('unverified', 'no debug key is pressed until input is verified at Xen');
    if (bytes.includes(ESC))
      return refuse('escape-sequence', 'escape sequence held back: input may be at Xen');
    if (bytes.some((b) => b >= 0x80))
      return refuse(
        'non-ascii',
        'held back: input may be at Xen, which strips bit 7 (this would arrive as another key)',
      );
    return pass(bytes);
  }

  // Xen.
  if (origin === 'terminal-reply')
    return refuse('terminal-reply', 'terminal reply held back: input is at Xen');
  if (bytes.includes(ESC)) return refuse('escape-sequence', 'cursor and function keys are not sent to Xen');
  if (onlySwitchBytes(bytes, ctx.switchCode)) return pass(bytes);
  if (bytes.length > 1) return refuse('several-keys', 'Xen keeps one pending key: send keys one at a time');
  const byte = bytes[0]!;
  if (byte >= 0x80) return refuse('non-ascii', 'Xen strips bit 7: this byte would arrive as another key');
  if (byte < 0x21 || byte === 0x7f) return refuse('control-byte', 'control characters are not debug keys');
  const key = String.fromCharCode(byte);
  if (ctx.isDangerous(key) && !ctx.confirmed?.has(key)) {
    return refuse('dangerous-key', `'${key}' is dangerous: confirm it first`);
  }
  return pass(bytes);
}

function onlySwitchBytes(bytes: Uint8Array, switchCode: number): boolean {
  return bytes.every((b) => b === switchCode);
}

function pass(bytes: Uint8Array): GuardVerdict {
  return { allowed: bytes, refusal: null };
}

function refuse(reason: RefusalReason, detail: string): GuardVerdict {
  return { allowed: new Uint8Array(0), refusal: { reason, detail } };
}
