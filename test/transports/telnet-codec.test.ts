// The telnet codec on every option sequence a console server may send (accept, refuse, offer,
// withdraw), IAC doubling both ways, NVT's CR NUL, subnegotiations, and any split across chunks.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BRK,
  DO,
  DONT,
  IAC,
  OPT_BINARY,
  OPT_COM_PORT,
  OPT_ECHO,
  OPT_SGA,
  SB,
  SE,
  TelnetCodec,
  WILL,
  WONT,
  type TelnetEvent,
} from '../../src/transports/telnet-codec.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const list = (u: Uint8Array) => [...u];

/** A codec past start(), with the server's answers already fed: the usual ser2net session. */
function agreed(comPort = false): TelnetCodec {
  const codec = new TelnetCodec({ comPort });
  codec.start();
  const answers = [IAC, DO, OPT_BINARY, IAC, DO, OPT_SGA, IAC, WILL, OPT_BINARY, IAC, WILL, OPT_SGA];
  if (comPort) answers.push(IAC, DO, OPT_COM_PORT);
  codec.decode(Uint8Array.from(answers));
  return codec;
}

/** Feeds chunks one by one; returns everything concatenated. */
function feed(codec: TelnetCodec, chunks: Uint8Array[]) {
  const data: number[] = [];
  const reply: number[] = [];
  const events: TelnetEvent[] = [];
  for (const chunk of chunks) {
    const out = codec.decode(chunk);
    data.push(...out.data);
    reply.push(...out.reply);
    events.push(...out.events);
  }
  return { data, reply, events };
}

/** Cuts `all` at the given offsets (sorted, deduplicated, in range). */
function cut(all: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((n) => n % (all.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, all.length]) {
    out.push(all.subarray(from, p));
    from = p;
  }
  return out;
}

describe('TelnetCodec negotiation', () => {
  it('opens by asking for BINARY and SUPPRESS-GO-AHEAD both ways, and COM-PORT-OPTION when wanted', () => {
    expect(list(new TelnetCodec().start())).toEqual([
      ...[IAC, WILL, OPT_BINARY, IAC, WILL, OPT_SGA],
      ...[IAC, DO, OPT_BINARY, IAC, DO, OPT_SGA],
    ]);
    const rfc2217 = new TelnetCodec({ comPort: true });
    expect(list(rfc2217.start())).toContain(OPT_COM_PORT);
    expect(rfc2217.negotiating).toBe(true);
  });

  it('takes agreement silently: an answer to our request is never answered again', () => {
    const codec = new TelnetCodec({ comPort: true });
    codec.start();
    const out = feed(codec, [bytes(IAC, DO, OPT_BINARY, IAC, WILL, OPT_BINARY, IAC, DO, OPT_SGA)]);
    expect(out.reply).toEqual([]);
    expect(codec.negotiating).toBe(true);
    const rest = feed(codec, [bytes(IAC, WILL, OPT_SGA, IAC, DO, OPT_COM_PORT)]);
    expect(rest.reply).toEqual([]);
    expect(codec.negotiating).toBe(false);
    expect(rest.events).toContainEqual({
      type: 'option',
      side: 'local',
      option: OPT_COM_PORT,
      enabled: true,
    });
    for (const side of ['local', 'remote'] as const) expect(codec.enabled(side, OPT_BINARY)).toBe(true);
  });

  it("accepts the server's ECHO but never echoes itself, and refuses options it does not know", () => {
    const codec = agreed();
    const out = feed(codec, [bytes(IAC, WILL, OPT_ECHO, IAC, DO, OPT_ECHO, IAC, DO, 24, IAC, WILL, 5)]);
    expect(out.reply).toEqual([IAC, DO, OPT_ECHO, IAC, WONT, OPT_ECHO, IAC, WONT, 24, IAC, DONT, 5]);
    expect(codec.enabled('remote', OPT_ECHO)).toBe(true);
    expect(codec.enabled('local', OPT_ECHO)).toBe(false);
    // Asked again, the same question gets no second answer once agreed (no loops).
    expect(feed(codec, [bytes(IAC, WILL, OPT_ECHO)]).reply).toEqual([]);
  });

  it('refuses COM-PORT-OPTION unless asked to offer it', () => {
    const codec = agreed(false);
    expect(feed(codec, [bytes(IAC, DO, OPT_COM_PORT)]).reply).toEqual([IAC, WONT, OPT_COM_PORT]);
  });

  it('lives with a server that refuses everything: NVT mode, CR as CR NUL, no reply loops', () => {
    const codec = new TelnetCodec({ comPort: true });
    codec.start();
    const refusals = [IAC, DONT, OPT_BINARY, IAC, WONT, OPT_BINARY, IAC, DONT, OPT_SGA, IAC, WONT, OPT_SGA];
    const out = feed(codec, [Uint8Array.from([...refusals, IAC, DONT, OPT_COM_PORT])]);
    expect(out.reply).toEqual([]);
    expect(codec.negotiating).toBe(false);
    expect(out.events.filter((e) => e.type === 'option')).toHaveLength(5);
    expect(out.events.every((e) => e.type === 'option' && !e.enabled && e.refused)).toBe(true);
    expect(list(codec.encode(bytes(0x61, 0x0d, 0xff)))).toEqual([0x61, 0x0d, 0x00, IAC, IAC]);
    // CR NUL from the server is a CR, even split across chunks; CR LF stays as it is.
    expect(feed(codec, [bytes(0x0d), bytes(0x00, 0x41, 0x0d, 0x0a)]).data).toEqual([0x0d, 0x41, 0x0d, 0x0a]);
  });

  it('answers a withdrawn option once, and goes back to NVT for what BINARY covered', () => {
    const codec = agreed();
    expect(list(codec.encode(bytes(0x0d)))).toEqual([0x0d]);
    const out = feed(codec, [bytes(IAC, DONT, OPT_BINARY, IAC, WONT, OPT_BINARY)]);
    expect(out.reply).toEqual([IAC, WONT, OPT_BINARY, IAC, DONT, OPT_BINARY]);
    expect(list(codec.encode(bytes(0x0d)))).toEqual([0x0d, 0x00]);
    expect(feed(codec, [bytes(IAC, DONT, OPT_BINARY)]).reply).toEqual([]);
    // And takes it back when offered again.
    expect(feed(codec, [bytes(IAC, WILL, OPT_BINARY)]).reply).toEqual([IAC, DO, OPT_BINARY]);
  });
});

describe('TelnetCodec data', () => {
  it('doubles IAC on the way out and undoubles it on the way in; the switch triple stays one write', () => {
    const codec = agreed();
    expect(list(codec.encode(bytes(1, 1, 1)))).toEqual([1, 1, 1]);
    expect(list(codec.encode(bytes(0xff, 0x41, 0xff, 0xff)))).toEqual([
      0xff, 0xff, 0x41, 0xff, 0xff, 0xff, 0xff,
    ]);
    expect(feed(codec, [bytes(0x41, IAC), bytes(IAC, 0x42)]).data).toEqual([0x41, 0xff, 0x42]);
  });

  it('keeps commands and subnegotiations out of the data, whole even when split', () => {
    const codec = agreed(true);
    const wire = bytes(
      0x61,
      IAC,
      241,
      0x62,
      IAC,
      BRK,
      IAC,
      SB,
      OPT_COM_PORT,
      101,
      0,
      1,
      IAC,
      IAC,
      0,
      IAC,
      SE,
      0x63,
    );
    for (let at = 0; at <= wire.length; at++) {
      const c = agreed(true);
      const out = feed(c, [wire.subarray(0, at), wire.subarray(at)]);
      expect(out.data, `cut at ${at}`).toEqual([0x61, 0x62, 0x63]);
      expect(out.events).toEqual([
        { type: 'command', command: 241 },
        { type: 'command', command: BRK },
        { type: 'subnegotiation', option: OPT_COM_PORT, data: bytes(101, 0, 1, 0xff, 0) },
      ]);
    }
    expect(list(codec.subnegotiation(OPT_COM_PORT, bytes(1, 0, 0, 0xff, 0xff)))).toEqual([
      ...[IAC, SB, OPT_COM_PORT, 1, 0, 0, IAC, IAC, IAC, IAC, IAC, SE],
    ]);
  });

  it('drops an endless subnegotiation instead of buffering it, and carries on after it', () => {
    const codec = agreed();
    const flood = new Uint8Array(100_000).fill(0x41);
    const out = feed(codec, [bytes(IAC, SB, 99), flood, bytes(IAC, SE, 0x7a)]);
    expect(out.data).toEqual([0x7a]);
    expect(out.events).toEqual([]);
  });

  it('round-trips any bytes, cut anywhere, with negotiation mixed in (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(),
        (data, cuts, where) => {
          const sender = agreed();
          const wire = sender.encode(data);
          // A negotiation the server might send mid-stream: must vanish from the data.
          const at = where % (wire.length + 1);
          const noise = bytes(IAC, WILL, OPT_ECHO, IAC, 241, IAC, SB, OPT_COM_PORT, 106, IAC, IAC, IAC, SE);
          // Insert only between encoded units, never inside a doubled IAC (an odd count before it).
          const split = wire.subarray(0, at).filter((b) => b === IAC).length % 2 === 1;
          const safeAt = split ? at + 1 : at;
          const mixed = Buffer.concat([wire.subarray(0, safeAt), noise, wire.subarray(safeAt)]);
          const receiver = agreed();
          expect(feed(receiver, cut(mixed, cuts)).data).toEqual([...data]);
        },
      ),
    );
  });
});
