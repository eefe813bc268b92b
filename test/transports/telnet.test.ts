// TelnetTransport against a scripted telnet server on 127.0.0.1: what crosses the wire (IAC
// doubled, negotiation answered, RFC 2217 requests and BREAK) and what the caller sees (console
// bytes only, notices for what the server reports). The real servers, ser2net and conserver, are
// in test/lab/telnet.lab.test.ts.

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TelnetTransport, type TelnetTransportOptions } from '../../src/transports/telnet.js';
import type { TransportNotice } from '../../src/transports/transport.js';

const IAC = 255;
const [DONT, DO, WONT, WILL, SB, SE, BRK] = [254, 253, 252, 251, 250, 240, 243];
const COM = 44;

interface PeerOptions {
  /** Options the server agrees to (both ways); everything else is refused. */
  accepts: number[];
  /** Sent as soon as a client connects. */
  greeting?: number[];
  /** Never answer negotiation (a raw TCP port). */
  silent?: boolean;
  /** Options never answered at all (an older server that ignores what it does not know). */
  ignores?: number[];
  /** Current port settings reported for RFC 2217 queries. */
  baud?: number;
}

/** A telnet server: answers options, echoes RFC 2217 commands back as acknowledgements. */
class Peer {
  socket!: Socket;
  wire: number[] = [];
  data: number[] = [];
  subs: number[][] = [];
  commands: number[] = [];
  private waiters: (() => void)[] = [];
  private state: 'data' | 'iac' | 'verb' | 'sb' | 'sb-iac' = 'data';
  private verb = 0;
  private sb: number[] = [];

  constructor(private readonly options: PeerOptions) {}

  attach(socket: Socket): void {
    this.socket = socket;
    if (this.options.greeting) socket.write(Uint8Array.from(this.options.greeting));
    socket.on('data', (chunk: Buffer) => {
      for (const b of chunk) this.byte(b);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private byte(b: number): void {
    this.wire.push(b);
    if (this.state === 'data') {
      if (b === IAC) this.state = 'iac';
      else this.data.push(b);
    } else if (this.state === 'iac') {
      this.state = 'data';
      if (b === IAC) this.data.push(IAC);
      else if (b >= WILL) [this.state, this.verb] = ['verb', b];
      else if (b === SB) [this.state, this.sb] = ['sb', []];
      else this.commands.push(b);
    } else if (this.state === 'verb') {
      this.state = 'data';
      if (this.options.silent || this.options.ignores?.includes(b)) return;
      const ok = this.options.accepts.includes(b);
      const answer = { [WILL]: ok ? DO : DONT, [DO]: ok ? WILL : WONT }[this.verb];
      if (answer !== undefined) this.socket.write(Uint8Array.of(IAC, answer, b));
    } else if (this.state === 'sb') {
      if (b === IAC) this.state = 'sb-iac';
      else this.sb.push(b);
    } else if (b === IAC) {
      this.sb.push(IAC);
      this.state = 'sb';
    } else {
      this.state = 'data';
      this.subs.push(this.sb);
      this.acknowledge(this.sb);
    }
  }

  private acknowledge([option, command, ...value]: number[]): void {
    if (option !== COM || command === undefined) return;
    if (command === 1 && value.every((v) => v === 0)) {
      const baud = Buffer.alloc(4);
      baud.writeUInt32BE(this.options.baud ?? 115200);
      value = [...baud];
    } else if (command >= 2 && command <= 4 && value[0] === 0) value = [{ 2: 8, 3: 1, 4: 1 }[command]!];
    // ser2net 4.3 answers every BREAK request with "BREAK on" (5), even "off".
    else if (command === 5 && value[0] === 6) value = [5];
    const escaped = value.flatMap((v) => (v === IAC ? [IAC, IAC] : [v]));
    this.socket.write(Uint8Array.from([IAC, SB, COM, command + 100, ...escaped, IAC, SE]));
  }
}

let server: Server | undefined;
let transport: TelnetTransport | undefined;

afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function connect(peerOptions: PeerOptions, options: Partial<TelnetTransportOptions> = {}) {
  const peer = new Peer(peerOptions);
  const accepted: Socket[] = [];
  server = createServer((socket) => {
    accepted.push(socket);
    peer.attach(socket);
  });
  server.on('close', () => accepted.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const t = new TelnetTransport({ address: `127.0.0.1:${address.port}`, ...options });
  transport = t;
  const notices: TransportNotice[] = [];
  const received: number[] = [];
  let waiters: (() => void)[] = [];
  const changed = () => waiters.splice(0).forEach((w) => w());
  t.onNotice((n) => (notices.push(n), changed()));
  t.onData((bytes) => (received.push(...bytes), changed()));
  /** Resolves once `check` holds, re-checked on every notice and every data chunk. */
  const until = async (check: () => boolean): Promise<void> => {
    while (!check()) await new Promise<void>((resolve) => (waiters = [...waiters, resolve]));
  };
  await t.open();
  return { t, peer, notices, received, until };
}

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
const messages = (notices: TransportNotice[]) => notices.map((n) => ('message' in n ? n.message : ''));

describe('TelnetTransport', () => {
  it('moves every byte value both ways, IAC doubled on the wire, negotiation never in the data', async () => {
    const greeting = [IAC, WILL, 1, IAC, WILL, 3, 0x41, IAC, IAC, 0x42];
    const { t, peer, received, until } = await connect({ accepts: [0, 1, 3], greeting }, { comPort: false });
    expect(t.description).toMatch(/^telnet 127\.0\.0\.1:\d+$/);
    expect(t.canBreak).toBe(true);
    await t.write(ALL_BYTES);
    await peer.until(() => peer.data.length >= 256);
    expect(peer.data).toEqual([...ALL_BYTES]);
    expect(peer.wire.filter((b) => b === IAC).length).toBeGreaterThanOrEqual(2);
    peer.socket.write(Buffer.from([...ALL_BYTES].flatMap((b) => (b === IAC ? [IAC, IAC] : [b]))));
    await until(() => received.length >= 258);
    expect(received).toEqual([0x41, 0xff, 0x42, ...ALL_BYTES]);
  });

  it('writes the switch triple as one unit', async () => {
    const { t, peer } = await connect({ accepts: [0, 3] }, { comPort: false });
    await t.write(Uint8Array.of(1, 1, 1));
    await peer.until(() => peer.data.length >= 3);
    expect(peer.data).toEqual([1, 1, 1]);
  });

  it('asks an RFC 2217 server for the line settings given and reports what it runs at', async () => {
    const line = { baud: 9600, dataBits: 7, parity: 'even', stopBits: 2, flow: 'rtscts' } as const;
    const { t, peer, notices, until } = await connect({ accepts: [0, 3, COM] }, { line });
    await peer.until(() => peer.subs.length >= 7);
    expect(peer.subs.slice(0, 5)).toEqual([
      [COM, 1, 0, 0, 0x25, 0x80],
      [COM, 2, 7],
      [COM, 3, 3],
      [COM, 4, 2],
      [COM, 5, 3],
    ]);
    await until(() => messages(notices).some((m) => m.includes('9600 7E2')));
    expect(messages(notices)).toContain(`${t.description}: RFC 2217: the port runs at 9600 7E2`);
    expect(t.comPort).toBe(true);
  });

  it('only queries the settings not given, and reports them', async () => {
    const { t, peer, notices, until } = await connect({ accepts: [0, 3, COM], baud: 57600 });
    await peer.until(() => peer.subs.length >= 4);
    expect(peer.subs.slice(0, 4)).toEqual([
      [COM, 1, 0, 0, 0, 0],
      [COM, 2, 0],
      [COM, 3, 0],
      [COM, 4, 0],
    ]);
    const wanted = `${t.description}: RFC 2217: the port runs at 57600 8N1`;
    await until(() => messages(notices).includes(wanted));
  });

  it('sends a timed BREAK as SET-CONTROL on then off, each acknowledged, under RFC 2217', async () => {
    const { t, peer, notices } = await connect({ accepts: [0, 3, COM] }, { breakMs: 10 });
    await t.sendBreak();
    const controls = peer.subs.filter((s) => s[0] === COM && s[1] === 5).map((s) => s[2]);
    expect(controls).toEqual([5, 6]);
    expect(peer.commands).toEqual([]);
    expect(messages(notices).some((m) => m.includes('did not acknowledge'))).toBe(false);
  });

  it("shows the server's line-state and carrier notifications to the user", async () => {
    const { t, peer, notices, until } = await connect({ accepts: [0, 3, COM] });
    await peer.until(() => peer.subs.length >= 6);
    // NOTIFY-LINESTATE: BREAK seen and a framing error; NOTIFY-MODEMSTATE: carrier dropped.
    peer.socket.write(Uint8Array.of(IAC, SB, COM, 106, 0x18, IAC, SE, IAC, SB, COM, 107, 0x08, IAC, SE));
    await until(() => messages(notices).some((m) => m.includes('carrier')));
    expect(messages(notices)).toContain(`${t.description}: far serial line: BREAK detected, framing error`);
    expect(messages(notices)).toContain(`${t.description}: carrier lost`);
    // The masks asked for: errors and BREAK on the line, carrier detect and its change.
    expect(peer.subs).toContainEqual([COM, 10, 0x1e]);
    expect(peer.subs).toContainEqual([COM, 11, 0x88]);
  });

  it('falls back to IAC BRK, NVT line ends and a warning when the server refuses every option', async () => {
    const { t, peer, notices } = await connect({ accepts: [] }, { line: { baud: 9600 } });
    expect(t.comPort).toBe(false);
    expect(messages(notices).join('\n')).toMatch(/does not offer RFC 2217.*not applied/);
    await t.sendBreak();
    await t.write(Uint8Array.of(0x0d));
    await peer.until(() => peer.data.length >= 2);
    expect(peer.commands).toEqual([BRK]);
    expect(peer.data).toEqual([0x0d, 0x00]);
  });

  it('carries on quietly when a server answers some options and ignores COM-PORT-OPTION', async () => {
    const { t, notices } = await connect({ accepts: [0, 3], ignores: [COM] }, { negotiateTimeoutMs: 50 });
    expect(t.isOpen).toBe(true);
    expect(t.comPort).toBe(false);
    expect(notices).toEqual([]);
  });

  it('says a silent server is probably a raw port, and still connects', async () => {
    const { t, notices } = await connect({ accepts: [], silent: true }, { negotiateTimeoutMs: 50 });
    expect(t.isOpen).toBe(true);
    expect(messages(notices).join('\n')).toMatch(/no answer to telnet negotiation.*use --tcp/);
  });
});
