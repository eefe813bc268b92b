// `xenkeys connect --tcp` in a pty against a real TCP peer that runs the simulated Xen and keeps
// every byte it receives: keystrokes arrive byte-exact (Ctrl-A, the doubled prefix, pastes),
// terminal replies wait until input is known to be at a domain, and a dropped line says so.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { XenSimulator } from '../../src/sim/xen-sim.js';
import { tinyScript } from '../helpers/sim-console.js';
import { TuiDriver } from '../helpers/tui-driver.js';

const CTRL_A = '\x01';
const PREFIX = '\x1d';

/** A console server: one simulated Xen per connection, recording what reaches it. */
class SimServer {
  readonly server: Server;
  received = Buffer.alloc(0);
  socket: Socket | null = null;
  private waiters: (() => void)[] = [];

  constructor() {
    this.server = createServer((socket) => {
      this.socket = socket;
      const sim = new XenSimulator(tinyScript(), { clock: systemClock, emit: (b) => socket.write(b) });
      socket.on('data', (chunk: Buffer) => {
        this.received = Buffer.concat([this.received, chunk]);
        sim.receive(chunk);
        for (const w of this.waiters.splice(0)) w();
      });
      socket.on('error', () => undefined);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Resolves once the bytes received satisfy `done` (checked on every chunk). */
  async until(done: (received: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received.toString('latin1'))) {
      if (Date.now() > deadline)
        throw new Error(`server saw ${JSON.stringify(this.received.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.received.toString('latin1');
  }

  close(): Promise<void> {
    this.socket?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let server: SimServer;
let driver: TuiDriver | null = null;
let dir = '';

beforeEach(() => {
  server = new SimServer();
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-tui-tcp-'));
});

afterEach(async () => {
  driver?.kill();
  driver = null;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(): Promise<TuiDriver> {
  const port = await server.listen();
  driver = TuiDriver.spawn(['connect', '--tcp', `127.0.0.1:${port}`, '--out', dir, '--quiet-gap', '200']);
  await driver.waitForStatus(/input: \? .*tcp 127\.0\.0\.1/);
  return driver;
}

describe('xenkeys connect to a port where nothing listens', () => {
  it('leaves the alternate screen before saying why, exits 3 and keeps no empty folder', async () => {
    const out = join(dir, 'never');
    const d = (driver = TuiDriver.spawn(['connect', '--tcp', '127.0.0.1:1', '--out', out]));
    const { exitCode } = await d.waitForExit();
    expect(exitCode).toBe(3);
    // On the normal screen, after the TUI's own screen is gone: not printed inside it and erased.
    expect(d.term.buffer.active.type).toBe('normal');
    expect(d.screenText()).toContain('xenkeys: tcp 127.0.0.1:1: connection refused');
    expect(d.screenText()).toContain('nothing is listening on 127.0.0.1:1');
    expect(existsSync(out)).toBe(false);
  });
});

describe('xenkeys connect --tcp', () => {
  it('passes keystrokes through byte-exact: Ctrl-A, the doubled prefix and pastes', async () => {
    const d = await connect();
    for (let i = 0; i < 3; i++) d.press(CTRL_A);
    await d.waitForStatus(/input: XEN/);
    expect(await server.until((r) => r.length >= 3)).toBe(CTRL_A.repeat(3));
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: DOM0/);
    d.press('echo $((6*7))ok\r');
    await d.waitForScreen(/^42ok$/m);
    d.press(`${PREFIX}${PREFIX}`);
    d.press('\x1b[200~ab\rcd\x1b[201~');
    const all = await server.until((r) => r.endsWith('ab\rcd'));
    expect(all).toBe(`${CTRL_A.repeat(6)}echo $((6*7))ok\r\x1dab\rcd`);
    d.press(`${PREFIX}q`);
    expect((await d.waitForExit()).exitCode).toBe(0);
  });

  it('holds terminal replies back while input may be at Xen, and answers at dom0', async () => {
    const d = await connect();
    server.socket!.write('\x1b[6n');
    await d.waitForStatus(/held back: terminal reply held back: input may be at Xen/);
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: XEN/);
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: DOM0/);
    const before = server.received.length;
    server.socket!.write('\x1b[6n');
    // eslint-disable-next-line no-control-regex -- a cursor-position report starts with ESC
    const after = await server.until((r) => /\x1b\[\d+;\d+R$/.test(r.slice(before)));
    expect(after.slice(0, before)).toBe(CTRL_A.repeat(6));
    d.press(`${PREFIX}q`);
    expect((await d.waitForExit()).exitCode).toBe(0);
  });

  it("builds the key menu from the target's own h list", async () => {
    const d = await connect();
    d.press(`${PREFIX}k`);
    await d.waitForScreen(/built-in Xen 4\.17 table[\s\S]*C +trigger a crashdump/);
    d.press('h');
    await d.waitForScreen(/key h: show this message/);
    d.press(`${PREFIX}k`);
    const menu = await d.waitForScreen(/this host's own 'h' list/);
    const items = menu.split('\n').filter((line) => /│ . {2}\S/.test(line));
    expect(items.map((line) => /│ (.) /.exec(line)?.[1])).toEqual(['*', 'N', 'R', 'd', 'h', 'n', 'q', 'r']);
    expect(menu).toMatch(/N +trigger an NMI +\(destructive\)/);
    d.press('\x1b');
    await d.waitForScreen(/^(?![\s\S]*this host's own)/);
    d.press(`${PREFIX}q`);
    expect((await d.waitForExit()).exitCode).toBe(0);
  });

  it('says reconnecting… when the line drops, and re-learns where input goes', async () => {
    const d = await connect();
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: XEN/);
    server.socket!.destroy();
    await d.waitForStatus(/reconnecting… \(attempt 1\)/);
    // The loss and the return show in the console pane too, where the eye is.
    await d.waitForScreen(/xenkeys: connection lost: /);
    await d.waitForStatus(/input: \? (?!.*reconnecting)/);
    await d.waitForScreen(/xenkeys: reconnected: input is \? until Xen answers a switch/);
    d.press(`${PREFIX}b`);
    await d.waitForScreen(/Xen ignores BREAK on its UART[\s\S]*has no BREAK/);
    d.press('x');
    d.press(`${PREFIX}q`);
    expect((await d.waitForExit()).exitCode).toBe(0);
  });
});
