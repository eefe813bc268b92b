// The attach server against a fake hub: scrollback then live, one writer and many viewers at once,
// the seat's rules (taken, released, held during an incident), and what a client sees when it
// asks for something that is not there. Real unix sockets in a private temporary folder.

import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { isXenkeysError } from '../../src/core/errors.js';
import { ReconnectingTransport } from '../../src/transports/reconnecting.js';
import { askStatus } from '../../src/watch/attach-client.js';
import {
  FRAME,
  frame,
  inputFrame,
  jsonFrame,
  parseAck,
  PROTOCOL_VERSION,
} from '../../src/watch/attach-protocol.js';
import { startAttachServer, type AttachServerHandle } from '../../src/watch/attach-server.js';
import { FakeHub } from '../../src/watch/fake-hub.js';
import { attachClient, collectFrames, tempAttachDir } from './attach-helpers.js';

let tmp: ReturnType<typeof tempAttachDir>;
let hub: FakeHub;
let server: AttachServerHandle;

beforeEach(async () => {
  tmp = tempAttachDir();
  hub = new FakeHub('lab', { target: 'tcp 127.0.0.1:4555', echo: true });
  server = await startAttachServer([hub, new FakeHub('db07')], tmp.dir);
});

afterEach(async () => {
  await server.close();
  tmp.cleanup();
});

describe('attach server', () => {
  it('sends the scrollback, then live bytes, with nothing lost or doubled in between', async () => {
    hub.emitData('Xen 4.17 boot\r\n/ # ');
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir });
    await viewer.transport.open();
    hub.emitData('live line\r\n');
    await viewer.waitFor('live line');
    expect(viewer.text()).toBe('Xen 4.17 boot\r\n/ # live line\r\n');
    expect(viewer.notices[0]).toMatchObject({
      type: 'info',
      message: expect.stringMatching(/attached to lab read-only/),
    });
    await viewer.transport.close();
  });

  it('gives only as much scrollback as asked for', async () => {
    hub.emitData('0123456789');
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir, scrollback: 4 });
    await viewer.transport.open();
    hub.emitData('!');
    await viewer.waitFor('!');
    expect(viewer.text()).toBe('6789!');
    await viewer.transport.close();
  });

  it('lets one writer and several viewers attach at once: all see what the writer typed', async () => {
    const writer = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'alice' });
    const viewers = [1, 2, 3].map(() => attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir }));
    await writer.transport.open();
    for (const v of viewers) await v.transport.open();
    expect(writer.transport.granted).toBe('rw');
    await writer.transport.write(Buffer.from('uname -a\r'));
    for (const c of [writer, ...viewers]) await c.waitFor('uname -a\r');
    expect(hub.writes.map((w) => [w.who, Buffer.from(w.bytes).toString()])).toEqual([
      ['alice', 'uname -a\r'],
    ]);
    const status = await askStatus(tmp.dir, 'lab');
    expect(status).toMatchObject({ name: 'lab', writer: 'alice', viewers: 3, connection: 'connected' });
    await expect(viewers[0]!.transport.write(Buffer.from('x'))).rejects.toThrow(
      /read-only: input is not sent/,
    );
    expect(hub.writes).toHaveLength(1);
    for (const c of [writer, ...viewers]) await c.transport.close();
  });

  it('refuses a second writer, naming who holds the seat; or falls back to read-only when asked', async () => {
    const alice = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'alice@h1 pid 7' });
    await alice.transport.open();
    const bob = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'bob' });
    const error = await bob.transport.open().catch((e: unknown) => e);
    expect(isXenkeysError(error, 'port-busy')).toBe(true);
    expect((error as Error).message).toMatch(/read-write seat is taken by alice@h1 pid 7/);
    expect((error as { hint: string }).hint).toMatch(/--read-only/);
    const carol = attachClient({ name: 'lab', mode: 'rw', fallback: true, dir: tmp.dir, who: 'carol' });
    await carol.transport.open();
    expect(carol.transport.granted).toBe('ro');
    await carol.waitForNotice(/read-only: the read-write seat is taken by alice/);
    await alice.transport.close();
    await carol.transport.close();
  });

  it('frees the seat when the writer detaches, and when its connection just vanishes', async () => {
    const first = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'first' });
    await first.transport.open();
    await first.transport.close();
    const second = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'second' });
    await second.transport.open();
    expect(second.transport.granted).toBe('rw');
    // A raw client that takes the seat and is destroyed without a word.
    await second.transport.close();
    const raw = createConnection(server.sockets.get('lab')!);
    const frames = collectFrames(raw);
    raw.write(jsonFrame(FRAME.hello, { v: PROTOCOL_VERSION, name: 'lab', mode: 'rw', who: 'raw' }));
    await frames.next(FRAME.welcome);
    expect(hub.status().writer).toBe('raw');
    raw.destroy();
    const third = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'third' });
    await expect.poll(async () => (await askStatus(tmp.dir, 'lab')).writer, { timeout: 10_000 }).toBeNull();
    await third.transport.open();
    expect(third.transport.granted).toBe('rw');
    await third.transport.close();
  });

  it('holds writes while an incident runs, and passes its notices to everyone', async () => {
    const writer = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir });
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir });
    await writer.transport.open();
    await viewer.transport.open();
    hub.startIncident('Xen panic');
    await expect(writer.transport.write(Buffer.from('reboot\r'))).rejects.toThrow(/incident is running/);
    expect(hub.writes).toHaveLength(0);
    hub.endIncident();
    await writer.transport.write(Buffer.from('ok\r'));
    expect(hub.writes).toHaveLength(1);
    await viewer.waitForNotice(/watcher: incident started: Xen panic\nwatcher: incident written/);
    await writer.transport.close();
    await viewer.transport.close();
  });

  it("refuses a read-only client's input on the watcher's side too", async () => {
    const raw = createConnection(server.sockets.get('lab')!);
    const frames = collectFrames(raw);
    raw.write(jsonFrame(FRAME.hello, { v: PROTOCOL_VERSION, name: 'lab', mode: 'ro', who: 'sneaky' }));
    await frames.next(FRAME.welcome);
    raw.write(inputFrame(1, Buffer.from('rm -rf /\r')));
    const ack = parseAck((await frames.next(FRAME.ack)).payload);
    expect(ack).toEqual({ seq: 1, error: 'lab: attached read-only, input refused' });
    expect(hub.writes).toHaveLength(0);
    raw.destroy();
  });

  it('drops a client that breaks the protocol, and the others and the hub carry on', async () => {
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir });
    await viewer.transport.open();
    const raw = createConnection(server.sockets.get('lab')!);
    const frames = collectFrames(raw);
    raw.write(Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff])); // a 4 GiB frame
    const refused = await frames.next(FRAME.refused);
    expect(refused.payload.toString()).toMatch(/over the .* limit/);
    raw.write(frame(FRAME.hello, 'not json'));
    hub.emitData('still here\r\n');
    await viewer.waitFor('still here');
    expect(server.clients('lab')).toBeGreaterThanOrEqual(1);
    await viewer.transport.close();
    await expect.poll(() => hub.listeners, { timeout: 10_000 }).toBe(0);
  });

  it('says which consoles exist when the name is wrong, and that no watcher runs when none does', async () => {
    const wrong = attachClient({ name: 'nope', mode: 'ro', dir: tmp.dir });
    const error = await wrong.transport.open().catch((e: unknown) => e);
    expect((error as Error).message).toBe('no watched console called nope');
    expect((error as { hint: string }).hint).toBe('Watched consoles: db07, lab.');
    await server.close();
    const late = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir });
    const gone = await late.transport.open().catch((e: unknown) => e);
    expect((gone as { hint: string }).hint).toMatch(/No watcher is listening/);
    const nowhere = attachClient({ name: 'lab', mode: 'ro', dir: `${tmp.dir}-missing` });
    await expect(nowhere.transport.open()).rejects.toThrow(/no watcher is running/);
  });

  it('tells the client when the watcher goes, and a reconnecting client comes back with it', async () => {
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir, scrollback: 0 });
    const line = new ReconnectingTransport(
      viewer.transport,
      { attempts: 50, initialDelayMs: 20, maxDelayMs: 100 },
      systemClock,
    );
    const events: string[] = [];
    line.onNotice((n) => events.push(n.type));
    await line.open();
    await server.close();
    await expect.poll(() => events.includes('reconnecting'), { timeout: 10_000 }).toBe(true);
    server = await startAttachServer(hub, tmp.dir);
    await expect.poll(() => events.includes('reconnected'), { timeout: 10_000 }).toBe(true);
    hub.emitData('after the restart\r\n');
    await viewer.waitFor('after the restart');
    await line.close();
  });

  it('makes the folder 0700 and each socket 0600, and removes the sockets on close', async () => {
    expect(statSync(tmp.dir).mode & 0o777).toBe(0o700);
    const sock = server.sockets.get('lab')!;
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect(statSync(sock).isSocket()).toBe(true);
    await server.close();
    expect(() => statSync(sock)).toThrow(/ENOENT/);
  });
});
