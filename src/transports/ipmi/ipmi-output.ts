// Splits what ipmitool writes to its pty into console bytes and ipmitool's own lines. Before
// "[SOL Session operational" everything is ipmitool talking; after it, ipmitool's lines (always
// whole lines, starting a line or a read) are cut out of the console stream and reported instead.

import { classifyLine, mayBecome, PASSWORD_PROMPT, type IpmitoolMessage } from './ipmi-messages.js';

export type OutputEvent =
  | { type: 'data'; bytes: Uint8Array }
  /** One of ipmitool's lines; `message` is null for a line xenkeys does not know (before the session). */
  | { type: 'line'; text: string; message: IpmitoolMessage | null }
  /** ipmitool is asking for a password on the pty: it was given none it could use. */
  | { type: 'prompt' };

const LF = 0x0a;
const CR = 0x0d;
// A held partial line longer than this is console output, whatever it looks like.
const MAX_HELD = 256;

export class IpmitoolOutput {
  private phase: 'open' | 'session' = 'open';
  private pending: Buffer = Buffer.alloc(0);
  private prompted = false;
  private readonly sessionMessages: IpmitoolMessage[];
  private readonly firstBytes: Set<number>;
  private readonly anywhereBytes: Set<number>;

  constructor(private readonly messages: readonly IpmitoolMessage[]) {
    this.sessionMessages = messages.filter((msg) => msg.phase === 'session');
    this.firstBytes = new Set(this.sessionMessages.map((msg) => msg.text.charCodeAt(0)));
    const anywhere = this.sessionMessages.filter((msg) => msg.anywhere);
    this.anywhereBytes = new Set(anywhere.map((msg) => msg.text.charCodeAt(0)));
  }

  /** True once ipmitool has said the session is operational. */
  get operational(): boolean {
    return this.phase === 'session';
  }

  /** Bytes held back because they may be the start of one of ipmitool's lines. */
  get holding(): boolean {
    return this.phase === 'session' && this.pending.length > 0;
  }

  push(bytes: Uint8Array): OutputEvent[] {
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes);
    this.pending = Buffer.alloc(0);
    return this.phase === 'open' ? this.pushOpen(buf) : this.pushSession(buf);
  }

  /** Let go of what is held: as console bytes in a session, as a last line before it. */
  flush(): OutputEvent[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (rest.length === 0) return [];
    if (this.phase === 'session') return [{ type: 'data', bytes: rest }];
    return [this.lineEvent(stripCr(rest.toString('latin1')))];
  }

  private pushOpen(buf: Buffer): OutputEvent[] {
    const events: OutputEvent[] = [];
    let start = 0;
    for (let nl = buf.indexOf(LF, start); nl >= 0; nl = buf.indexOf(LF, start)) {
      const event = this.lineEvent(stripCr(buf.subarray(start, nl).toString('latin1')));
      start = nl + 1;
      if (event.type === 'line' && event.message?.outcome.kind === 'operational') {
        this.phase = 'session';
        events.push(event);
        return start < buf.length ? [...events, ...this.pushSession(buf.subarray(start))] : events;
      }
      if (event.type === 'line' && event.text === '') continue;
      events.push(event);
    }
    this.pending = Buffer.from(buf.subarray(start));
    if (!this.prompted && this.pending.toString('latin1').endsWith(PASSWORD_PROMPT)) {
      this.prompted = true;
      events.push({ type: 'prompt' });
    }
    return events;
  }

  private pushSession(buf: Buffer): OutputEvent[] {
    const events: OutputEvent[] = [];
    let emitted = 0; // bytes before this are dealt with
    const data = (end: number): void => {
      if (end > emitted) events.push({ type: 'data', bytes: Buffer.from(buf.subarray(emitted, end)) });
    };
    for (let s = 0; s < buf.length; s++) {
      // ipmitool's lines start a line (after CR or LF) or a read of their own; the answers to
      // our escapes (led by the escape byte) may follow console bytes in the same read.
      const lineStart = s === 0 || buf[s - 1] === LF || buf[s - 1] === CR;
      if (!(lineStart ? this.firstBytes : this.anywhereBytes).has(buf[s]!)) continue;
      const nl = buf.indexOf(LF, s);
      if (nl < 0) {
        const partial = buf.subarray(s).toString('latin1');
        const candidates = lineStart
          ? this.sessionMessages
          : this.sessionMessages.filter((msg) => msg.anywhere);
        if (partial.length <= MAX_HELD && candidates.some((msg) => mayBecome(msg, partial))) {
          data(s);
          this.pending = Buffer.from(buf.subarray(s));
          return events;
        }
        continue; // an escape byte further on may still lead one of ours
      }
      const text = stripCr(buf.subarray(s, nl).toString('latin1'));
      const message = classifyLine(this.sessionMessages, text, 'session');
      if (!message || (!lineStart && !message.anywhere)) continue;
      // "\nSIGN INT: …": ipmitool's own newline goes with its line.
      const cut = s > emitted && buf[s - 1] === LF && text.startsWith('SIGN INT') ? s - 1 : s;
      data(cut);
      events.push({ type: 'line', text, message });
      emitted = nl + 1;
      s = nl; // the loop's s++ lands on the next line's first byte
    }
    data(buf.length);
    return events;
  }

  private lineEvent(text: string): OutputEvent {
    return { type: 'line', text, message: classifyLine(this.messages, text, 'open') };
  }
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
