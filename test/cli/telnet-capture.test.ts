// `xenkeys capture` over telnet, hermetically: the simulated Xen served by a telnet server on
// 127.0.0.1 that negotiates like ser2net (BINARY, SGA, ECHO) and frames everything with IAC. The
// raw log must be exactly what the simulator sent, without one negotiation byte. The same against
// real ser2net and conserver is test/lab/telnet.lab.test.ts.

import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { DEFAULT_CAPTURE, runCapture } from '../../src/cli/commands/capture.js';
import type { CapturesDocument } from '../../src/capture/captures-file.js';
import type { Progress } from '../../src/capture/progress.js';
import { systemClock } from '../../src/core/clock.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import { IAC, OPT_ECHO, TelnetCodec, WILL } from '../../src/transports/telnet-codec.js';
import { TelnetTransport } from '../../src/transports/telnet.js';
import { runCli } from '../helpers/run-cli.js';
import { tinyScript } from '../helpers/sim-console.js';

const silent: Progress = { step() {}, succeed() {}, fail() {}, warn() {}, info() {}, stop() {} };

/** A telnet server in front of one simulated Xen; `sent` is every console byte it served. */
async function serveSimulatedXen() {
  const sent: Buffer[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    const codec = new TelnetCodec();
    const xen = new SimulatedXenTransport({ script: tinyScript(), clock: systemClock });
    xen.onData((bytes) => {
      sent.push(Buffer.from(bytes));
      socket.write(codec.encode(bytes));
    });
    socket.on('data', (chunk: Buffer) => {
      const { data, reply } = codec.decode(chunk);
      if (reply.length > 0) socket.write(reply);
      if (data.length > 0) void xen.write(data);
    });
    socket.on('close', () => void xen.close());
    // What ser2net opens with: it echoes (through the device) and wants BINARY and SGA.
    socket.write(Buffer.concat([Uint8Array.of(IAC, WILL, OPT_ECHO), codec.start()]));
    void xen.open();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const close = () => {
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { address: `127.0.0.1:${address.port}`, sent, close };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('xenkeys capture --telnet (simulated Xen behind a telnet server)', () => {
  it('captures h q d per key, and session.raw holds the console bytes and nothing else', async () => {
    const server = await serveSimulatedXen();
    cleanup = server.close;
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-telnet-'));
    const result = await runCapture(
      () => new TelnetTransport({ address: server.address, comPort: false }),
      { ...DEFAULT_CAPTURE, keys: 'qd', out, timing: { quietMs: 50, firstOutputMs: 300, capMs: 5_000 } },
      { progress: silent, stdout: new PassThrough(), trapSignals: false },
    );
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8')) as CapturesDocument;
    expect(doc.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['h', 'quiet'],
      ['q', 'quiet'],
      ['d', 'quiet'],
    ]);
    expect(doc.input).toEqual({ found: 'dom0', final: 'dom0', restored: true });
    const raw = readFileSync(path.join(out, 'session.raw'));
    expect(raw.equals(Buffer.concat(server.sent))).toBe(true);
    expect(raw.includes(IAC)).toBe(false);
  });

  it('refuses a bad address and a second console with the usage exit code', async () => {
    const bad = await runCli(['capture', '--telnet', 'nohost', '--keys', 'q']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/--telnet nohost: bad TCP address/);
    expect(bad.stderr).toMatch(/HOST:PORT/);
    const two = await runCli(['capture', '--telnet', 'a:1', '--tcp', 'b:2', '--keys', 'q']);
    expect(two.code).toBe(EXIT.usage);
    expect(two.stderr).toMatch(/choose one console, not --tcp and --telnet/);
  });
});
