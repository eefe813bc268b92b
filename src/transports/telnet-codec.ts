// Telnet (RFC 854) as a pure codec: bytes in, console bytes, replies and events out; no I/O.
// Option negotiation follows RFC 1143's Q method (no loops, no answering our own echoes), for the
// options a console needs: BINARY both ways (RFC 856), SUPPRESS-GO-AHEAD (RFC 858), the server's
// ECHO (RFC 857; we never echo, so nothing is echoed twice) and, when asked, COM-PORT-OPTION
// (RFC 2217). IAC is doubled on the way out and undoubled on the way in, so 0xFF survives both ways.

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const BRK = 243;
export const SE = 240;

export const OPT_BINARY = 0;
export const OPT_ECHO = 1;
export const OPT_SGA = 3;
export const OPT_COM_PORT = 44;

const CR = 0x0d;
const NUL = 0x00;
/** A longer subnegotiation is dropped: its bytes come from an untrusted peer. */
const MAX_SB = 4096;

/** `local`: we perform the option (WILL/WONT from us); `remote`: the server does (DO/DONT from us). */
export type Side = 'local' | 'remote';
type Q = 'no' | 'yes' | 'wantno' | 'wantyes';

export type TelnetEvent =
  /** An option changed state; `refused` when it was our request that the peer declined. */
  | { type: 'option'; side: Side; option: number; enabled: boolean; refused?: boolean }
  /** A bare command from the peer (BRK, AYT, NOP, …): never console data. */
  | { type: 'command'; command: number }
  | { type: 'subnegotiation'; option: number; data: Uint8Array };

export interface Decoded {
  /** Console bytes only. */
  data: Uint8Array;
  /** What to send back (negotiation answers), in order; empty when nothing. */
  reply: Uint8Array;
  events: TelnetEvent[];
}

export interface TelnetCodecOptions {
  /** Offer RFC 2217 COM-PORT-OPTION (WILL COM-PORT-OPTION). */
  comPort?: boolean;
}

type Parse =
  | { at: 'data' }
  | { at: 'iac' }
  | { at: 'verb'; verb: number }
  | { at: 'sb-option' }
  | { at: 'sb'; option: number; bytes: number[]; overflow: boolean }
  | { at: 'sb-iac'; option: number; bytes: number[]; overflow: boolean };

export class TelnetCodec {
  private readonly wanted: Record<Side, ReadonlySet<number>>;
  private readonly state: Record<Side, Map<number, Q>> = { local: new Map(), remote: new Map() };
  private parse: Parse = { at: 'data' };
  /** The last console byte was a CR in NVT (non-binary) mode: a NUL right after it is padding. */
  private afterCr = false;

  constructor(options: TelnetCodecOptions = {}) {
    this.wanted = {
      local: new Set([OPT_BINARY, OPT_SGA, ...(options.comPort ? [OPT_COM_PORT] : [])]),
      remote: new Set([OPT_BINARY, OPT_SGA, OPT_ECHO]),
    };
  }

  /** The opening requests: BINARY and SGA both ways, COM-PORT-OPTION when asked for. */
  start(): Uint8Array {
    const out: number[] = [];
    for (const option of this.wanted.local) {
      if (this.get('local', option) === 'no') out.push(...this.ask('local', option));
    }
    for (const option of [OPT_BINARY, OPT_SGA]) {
      if (this.get('remote', option) === 'no') out.push(...this.ask('remote', option));
    }
    return Uint8Array.from(out);
  }

  enabled(side: Side, option: number): boolean {
    return this.get(side, option) === 'yes';
  }

  /** True while a request of ours has no answer yet. */
  get negotiating(): boolean {
    for (const side of ['local', 'remote'] as const) {
      for (const q of this.state[side].values()) if (q === 'wantyes' || q === 'wantno') return true;
    }
    return false;
  }

  /** Console bytes to wire bytes: IAC doubled, and CR as CR NUL unless we send BINARY. */
  encode(bytes: Uint8Array): Uint8Array {
    const binary = this.enabled('local', OPT_BINARY);
    const out: number[] = [];
    for (const b of bytes) {
      out.push(b);
      if (b === IAC) out.push(IAC);
      else if (b === CR && !binary) out.push(NUL);
    }
    return Uint8Array.from(out);
  }

  /** A bare command, e.g. IAC BRK. */
  command(command: number): Uint8Array {
    return Uint8Array.of(IAC, command);
  }

  /** IAC SB option payload IAC SE, with any 0xFF in the payload doubled. */
  subnegotiation(option: number, payload: Uint8Array): Uint8Array {
    const out = [IAC, SB, option];
    for (const b of payload) out.push(...(b === IAC ? [IAC, IAC] : [b]));
    out.push(IAC, SE);
    return Uint8Array.from(out);
  }

  decode(chunk: Uint8Array): Decoded {
    const data: number[] = [];
    const reply: number[] = [];
    const events: TelnetEvent[] = [];
    for (const b of chunk) {
      const p = this.parse;
      switch (p.at) {
        case 'data':
          if (b === IAC) this.parse = { at: 'iac' };
          else this.consoleByte(b, data);
          break;
        case 'iac':
          this.parse = { at: 'data' };
          if (b === IAC) this.consoleByte(IAC, data);
          else if (b >= WILL) this.parse = { at: 'verb', verb: b };
          else if (b === SB) this.parse = { at: 'sb-option' };
          else events.push({ type: 'command', command: b });
          break;
        case 'verb':
          this.parse = { at: 'data' };
          this.receiveVerb(p.verb, b, reply, events);
          break;
        case 'sb-option':
          this.parse = { at: 'sb', option: b, bytes: [], overflow: false };
          break;
        case 'sb':
          if (b === IAC) this.parse = { ...p, at: 'sb-iac' };
          else push(p, b);
          break;
        case 'sb-iac':
          if (b === IAC) {
            push(p, IAC);
            this.parse = { ...p, at: 'sb' };
          } else {
            // IAC SE ends it; any other command also ends it (RFC 854 leaves that to us).
            this.parse = { at: 'data' };
            if (!p.overflow) {
              events.push({ type: 'subnegotiation', option: p.option, data: Uint8Array.from(p.bytes) });
            }
            if (b !== SE) events.push({ type: 'command', command: b });
          }
          break;
      }
    }
    return { data: Uint8Array.from(data), reply: Uint8Array.from(reply), events };
  }

  private consoleByte(b: number, data: number[]): void {
    const nvt = !this.enabled('remote', OPT_BINARY);
    if (nvt && this.afterCr && b === NUL) {
      this.afterCr = false;
      return;
    }
    this.afterCr = nvt && b === CR;
    data.push(b);
  }

  private get(side: Side, option: number): Q {
    return this.state[side].get(option) ?? 'no';
  }

  private ask(side: Side, option: number): number[] {
    this.state[side].set(option, 'wantyes');
    return [IAC, side === 'local' ? WILL : DO, option];
  }

  /** RFC 1143 section 7, without the queue bits (we never change our mind mid-request). */
  private receiveVerb(verb: number, option: number, reply: number[], events: TelnetEvent[]): void {
    const side: Side = verb === WILL || verb === WONT ? 'remote' : 'local';
    const positive = verb === WILL || verb === DO;
    const [yes, no] = side === 'remote' ? [DO, DONT] : [WILL, WONT];
    const q = this.get(side, option);
    const set = (next: Q, enabled: boolean, refused?: boolean) => {
      this.state[side].set(option, next);
      if (refused || enabled !== (q === 'yes')) {
        events.push({ type: 'option', side, option, enabled, ...(refused ? { refused } : {}) });
      }
    };
    if (positive) {
      if (q === 'no') {
        if (this.wanted[side].has(option)) {
          set('yes', true);
          reply.push(IAC, yes, option);
        } else reply.push(IAC, no, option);
      } else if (q === 'wantyes') set('yes', true);
      else if (q === 'wantno') set('no', false); // they answered our "no" with "yes": an error, stay off
    } else if (q === 'yes') {
      set('no', false);
      reply.push(IAC, no, option);
    } else if (q === 'wantyes') set('no', false, true);
    else if (q === 'wantno') set('no', false);
  }
}

function push(p: { bytes: number[]; overflow: boolean }, b: number): void {
  if (p.bytes.length < MAX_SB) p.bytes.push(b);
  else p.overflow = true;
}

/** How a person would name an option in a message. */
export function optionName(option: number): string {
  const names: Record<number, string> = {
    [OPT_BINARY]: 'BINARY',
    [OPT_ECHO]: 'ECHO',
    [OPT_SGA]: 'SUPPRESS-GO-AHEAD',
    [OPT_COM_PORT]: 'COM-PORT-OPTION (RFC 2217)',
  };
  return names[option] ?? `option ${option}`;
}
