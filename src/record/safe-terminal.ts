// Console output made safe to play on the user's own terminal: a small ECMA-48 tokenizer (CSI, OSC
// ended by BEL or ST, DCS/SOS/PM/APC strings, 7- and 8-bit forms) that keeps what draws on the screen —
// text, colours (SGR), cursor movement, erasing, scroll regions, the alternate screen — and drops what
// acts outside it or makes the terminal answer: OSC 52 clipboard writes, OSC 1337 file transfers,
// titles, colour queries, OSC 8 links (unless allowed), every DCS (DECRQSS…), and the queries DSR,
// DA, XTVERSION, DECRQM, window reports, ENQ. Bidi and zero-width controls are spelled out (`\u202e`).
// Pure: text in, safe text out, its state carried across chunk boundaries (a sequence split between
// two reads is judged whole).

import { showBidi } from '../core/text-controls.js';

export interface SafeTerminalOptions {
  /** Keep OSC 8 hyperlinks (off: a link's text shows, its target does not). */
  hyperlinks?: boolean;
}

type State = 'ground' | 'esc' | 'escInter' | 'csi' | 'osc' | 'oscEsc' | 'str' | 'strEsc';

const ESC = '\x1b';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;
/** A longer sequence is no drawing we know: it is dropped (and its bytes not held without bound). */
const MAX_SEQUENCE = 4096;
/** C0 controls that draw: BEL, BS, HT, LF, VT, FF, CR. The rest (ENQ answers back, SO/SI…) go. */
const KEPT_C0 = new Set([0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
/** CSI finals with no prefix and no intermediate: SGR, cursor movement, erase, insert/delete, scroll. */
const DRAWING_CSI = new Set('mABCDEFGHfdea`JKXP@LMSTrsubZIg'.split(''));
/** Modes (CSI h/l) that only change drawing: insert mode; cursor keys, autowrap, cursor, alt screen. */
const PLAIN_MODES = new Set(['4']);
const PRIVATE_MODES = new Set(['1', '7', '12', '25', '47', '1047', '1048', '1049']);

export class SafeTerminalFilter {
  private state: State = 'ground';
  /** The sequence being read (kept only while it may still be passed on). */
  private seq = '';
  private tooLong = false;

  constructor(private readonly options: SafeTerminalOptions = {}) {}

  /** The safe part of `text`; an unfinished sequence at its end waits for the next chunk. */
  push(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (this.state === 'ground') {
        // Plain text passes in runs, up to the next control.
        CONTROL.lastIndex = i;
        const end = CONTROL.exec(text)?.index ?? text.length;
        out += text.slice(i, end);
        i = end;
        if (i === text.length) break;
      }
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      out += this.char(ch);
      i += ch.length;
    }
    return out;
  }

  /** The stream ended: an unfinished sequence is dropped. */
  flush(): string {
    this.reset();
    return '';
  }

  private char(ch: string): string {
    const c = ch.codePointAt(0)!;
    switch (this.state) {
      case 'ground':
        return this.ground(ch, c);
      case 'esc':
        return this.escape(ch, c);
      case 'escInter':
        if (c >= 0x20 && c <= 0x2f) return this.collect(ch);
        if (c >= 0x30 && c <= 0x7e) return this.finish(ch, true);
        return this.abort(ch, c);
      case 'csi':
        if (c >= 0x20 && c <= 0x3f) return this.collect(ch);
        if (c >= 0x40 && c <= 0x7e) return this.finish(ch, this.csiAllowed(this.seq + ch));
        return this.abort(ch, c);
      case 'osc':
        if (c === 0x07) return this.finish(ch, this.oscAllowed());
        if (c === 0x9c) return this.finish(ch, this.oscAllowed());
        if (c === 0x1b) return ((this.state = 'oscEsc'), this.collect(ch));
        if (c === 0x18 || c === 0x1a) return this.abort(ch, c);
        if (c < 0x20) return ''; // ignored inside a string, as xterm does
        return this.collect(ch);
      case 'oscEsc':
        if (ch === '\\') return this.finish(ch, this.oscAllowed());
        return this.abort(ch, c, true);
      case 'str':
        if (c === 0x9c) return this.reset();
        if (c === 0x1b) return ((this.state = 'strEsc'), '');
        if (c === 0x18 || c === 0x1a) return this.reset();
        return '';
      case 'strEsc':
        if (ch === '\\') return this.reset();
        return this.abort(ch, c, true);
    }
  }

  private ground(ch: string, c: number): string {
    if (c === 0x1b) return this.begin('esc', ch);
    if (c < 0x20 || c === 0x7f) return KEPT_C0.has(c) ? ch : '';
    if (c >= 0x2000) return showBidi(ch);
    if (c >= 0x80 && c <= 0x9f) {
      // 8-bit forms: CSI, OSC, and the strings; other C1 controls are dropped.
      if (c === 0x9b) return this.begin('csi', `${ESC}[`);
      if (c === 0x9d) return this.begin('osc', `${ESC}]`);
      if (c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f) return this.begin('str', '');
      return '';
    }
    return ch;
  }

  private escape(ch: string, c: number): string {
    if (ch === '[') return ((this.state = 'csi'), this.collect(ch));
    if (ch === ']') return ((this.state = 'osc'), this.collect(ch));
    if (ch === 'P' || ch === 'X' || ch === '^' || ch === '_') return this.begin('str', '');
    if (c >= 0x20 && c <= 0x2f) return ((this.state = 'escInter'), this.collect(ch));
    // ESC Z (DECID) makes the terminal answer; ESC c resets the user's whole terminal; a stray ST ends
    // nothing we passed on.
    if (c >= 0x30 && c <= 0x7e) return this.finish(ch, ch !== 'Z' && ch !== 'c' && ch !== '\\');
    return this.abort(ch, c);
  }

  private begin(state: State, seq: string): string {
    this.state = state;
    this.seq = seq;
    this.tooLong = false;
    return '';
  }

  private collect(ch: string): string {
    if (this.seq.length + ch.length > MAX_SEQUENCE) this.tooLong = true;
    else this.seq += ch;
    return '';
  }

  private finish(ch: string, allowed: boolean): string {
    const seq = this.seq + ch;
    const keep = allowed && !this.tooLong;
    this.reset();
    return keep ? seq : '';
  }

  /** The sequence is cut short: dropped; the character that cut it is read afresh (ESC starts anew). */
  private abort(ch: string, c: number, afterEsc = false): string {
    this.reset();
    if (afterEsc) {
      this.begin('esc', ESC);
      return this.char(ch);
    }
    if (c === 0x18 || c === 0x1a) return '';
    return this.char(ch);
  }

  private reset(): string {
    this.state = 'ground';
    this.seq = '';
    this.tooLong = false;
    return '';
  }

  private csiAllowed(seq: string): boolean {
    // eslint-disable-next-line no-control-regex
    const m = /^\x1b\[([<=>?]?)([0-9;:]*)([ -/]*)([@-~])$/.exec(seq);
    if (!m) return false;
    const [, prefix, params, inter, final] = m as unknown as [string, string, string, string, string];
    if (final === 'h' || final === 'l') {
      if (inter !== '') return false;
      const allowed = prefix === '?' ? PRIVATE_MODES : prefix === '' ? PLAIN_MODES : null;
      return allowed !== null && params.split(';').every((p) => allowed.has(p));
    }
    if (inter === ' ' && final === 'q' && prefix === '') return true; // cursor shape
    if (prefix !== '' || inter !== '') return false;
    // CSI 3 J erases the user's scrollback, which is not the recording's screen.
    if (final === 'J' && params.split(';').includes('3')) return false;
    return DRAWING_CSI.has(final);
  }

  private oscAllowed(): boolean {
    // this.seq is ESC ] … without its terminator.
    // eslint-disable-next-line no-control-regex
    return this.options.hyperlinks === true && /^\x1b\]8;[^;]*;/.test(this.seq);
  }
}

/** The filter over bytes: UTF-8 decoded across chunk boundaries (invalid bytes show as U+FFFD). */
export class SafeTerminalBytes {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly filter: SafeTerminalFilter;

  constructor(options: SafeTerminalOptions = {}) {
    this.filter = new SafeTerminalFilter(options);
  }

  push(bytes: Uint8Array): string {
    return this.filter.push(this.decoder.decode(bytes, { stream: true }));
  }

  flush(): string {
    return this.filter.push(this.decoder.decode()) + this.filter.flush();
  }
}
