// TcpTransport against a real `net` server on 127.0.0.1: byte-exactness both ways, write order,
// refused connections, the far end hanging up, and local close / reopen.

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isXenkeysError } from '../../src/core/errors.js';
import { TcpTransport, parseHostPort } from '../../src/transports/tcp.js';
import type { CloseReason } from '../../src/transports/transport.js';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Collects a stream of chunks and resolves waits once enough bytes have arrived. */
class Sink {
  private chunks: Buffer[] = [];
  private waiters: { n: number; resolve: (b: Buffer) => void }[] = [];
  push = (chunk: Uint8Array): void => {
    this.chunks.push(Buffer.from(chunk));
    const all = this.bytes;
    this.waiters = this.waiters.filter((w) => (all.length >= w.n ? (w.resolve(all), false) : true));
  };
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  waitFor(n: number): Promise<Buffer> {
    return this.bytes.length >= n
      ? Promise.resolve(this.bytes)
      : new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

let server: Server;
let port: number;
let accepted: Socket[];
let connectionWaiters: ((s: Socket) => void)[];
let transport: TcpTransport | undefined;

function nextConnection(): Promise<Socket> {
  return new Promise((resolve) => connectionWaiters.push(resolve));
}

beforeEach(async () => {
  accepted = [];
  connectionWaiters = [];
  server = createServer((socket) => {
    accepted.push(socket);
    connectionWaiters.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});

afterEach(async () => {
  await transport?.close();
  transport = undefined;
  for (const socket of accepted) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function connect(): Promise<{ t: TcpTransport; peer: Socket }> {
  const t = new TcpTransport({ address: `127.0.0.1:${port}` });
  transport = t;
  const peer = nextConnection();
  await t.open();
  return { t, peer: await peer };
}

describe('TcpTransport', () => {
  it('describes itself and parses host:port, including IPv6', () => {
    expect(new TcpTransport({ address: 'console.lab:4555' }).description).toBe('tcp console.lab:4555');
    expect(parseHostPort('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    expect(new TcpTransport({ address: '[::1]:7000' }).description).toBe('tcp [::1]:7000');
    expect(new TcpTransport({ host: 'fe80::1', port: 23 }).description).toBe('tcp [fe80::1]:23');
    expect(new TcpTransport({ address: 'h:1' }).canBreak).toBe(false);
    for (const bad of ['nohost', 'h:0', 'h:65536', '::1:80', '[::1]', 'h:x']) {
      expect(() => parseHostPort(bad)).toThrow(expect.objectContaining({ code: 'usage' }));
    }
  });

  it('moves every byte value both ways, untouched', async () => {
    const { t, peer } = await connect();
    expect(t.isOpen).toBe(true);
    const atPeer = new Sink();
    peer.on('data', atPeer.push);
    await t.write(ALL_BYTES);
    expect([...(await atPeer.waitFor(256))]).toEqual([...ALL_BYTES]);

    const atTransport = new Sink();
    t.onData(atTransport.push);
    peer.write(ALL_BYTES);
    expect([...(await atTransport.waitFor(256))]).toEqual([...ALL_BYTES]);
  });

  it('delivers a 3-byte write whole and in order, and successive writes in order', async () => {
    const { t, peer } = await connect();
    const atPeer = new Sink();
    peer.on('data', atPeer.push);
    await t.write(Uint8Array.of(0x01, 0x01, 0x01));
    await t.write(Uint8Array.of(0x61));
    await t.write(Uint8Array.of(0x0d));
    expect([...(await atPeer.waitFor(5))]).toEqual([0x01, 0x01, 0x01, 0x61, 0x0d]);
  });

  it('copies the caller’s buffer, so reusing it after write cannot change what was sent', async () => {
    const { t, peer } = await connect();
    const atPeer = new Sink();
    peer.on('data', atPeer.push);
    const buf = Uint8Array.of(1, 2, 3);
    const sent = t.write(buf);
    buf.fill(9);
    await sent;
    expect([...(await atPeer.waitFor(3))]).toEqual([1, 2, 3]);
  });

  it('reports a refused connection as connect-failed with a hint', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve())); // nobody listening now
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const t = new TcpTransport({ address: `127.0.0.1:${port}` });
    const error = await t.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isXenkeysError(error, 'connect-failed')).toBe(true);
    expect((error as { hint?: string }).hint).toMatch(/nothing is listening/);
    expect(t.isOpen).toBe(false);
  });

  it('reports the server hanging up as a remote close', async () => {
    const { t, peer } = await connect();
    const closed = new Promise<CloseReason>((resolve) => t.onClose(resolve));
    peer.end();
    expect((await closed).kind).toBe('remote');
    expect(t.isOpen).toBe(false);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'transport-lost' });
  });

  it('reports a reset connection as an error close', async () => {
    const { t, peer } = await connect();
    const closed = new Promise<CloseReason>((resolve) => t.onClose(resolve));
    peer.resetAndDestroy();
    const reason = await closed;
    expect(reason.kind).toBe('error');
    expect(reason).toMatchObject({ code: 'transport-lost' });
  });

  it('closes locally once, safely twice, lets the server see the FIN, and reopens', async () => {
    const { t, peer } = await connect();
    const reasons: CloseReason[] = [];
    t.onClose((r) => reasons.push(r));
    const peerEnded = new Promise<void>((resolve) => peer.on('end', resolve));
    await t.close('bye');
    await t.close();
    await peerEnded;
    expect(reasons).toEqual([{ kind: 'local', message: 'bye' }]);
    expect(t.isOpen).toBe(false);

    const again = nextConnection();
    await t.open();
    const peer2 = await again;
    const atPeer = new Sink();
    peer2.on('data', atPeer.push);
    await t.write(Uint8Array.of(0x42));
    expect([...(await atPeer.waitFor(1))]).toEqual([0x42]);
    await t.close();
    expect(reasons.map((r) => r.kind)).toEqual(['local', 'local']);
  });
});
