// `xenkeys connect --attach` in a pty against an attach server over a fake hub: the usual TUI shows
// the watcher's scrollback and live output, the writer's keys reach the hub through the seat, a
// read-only viewer sees the same and cannot type, and a taken seat or a wrong name says what to do.

import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAttachServer, type AttachServerHandle } from '../../src/watch/attach-server.js';
import { FakeHub } from '../../src/watch/fake-hub.js';
import { TuiDriver } from '../helpers/tui-driver.js';
import { tempAttachDir } from '../watch/attach-helpers.js';

let tmp: ReturnType<typeof tempAttachDir> & { cwd: string };
let hub: FakeHub;
let server: AttachServerHandle;
const drivers: TuiDriver[] = [];

beforeEach(async () => {
  tmp = { ...tempAttachDir(), cwd: mkdtempSync(path.join(os.tmpdir(), 'xk-attach-cwd-')) };
  hub = new FakeHub('lab', { target: 'tcp 127.0.0.1:4555', echo: true });
  hub.emitData('(XEN) Xen version 4.17.7\r\nxenkeys-lab: dom0 ready\r\n/ # ');
  server = await startAttachServer(hub, tmp.dir);
});

afterEach(async () => {
  for (const d of drivers.splice(0)) d.kill();
  await server.close();
  tmp.cleanup();
});

// XDG_RUNTIME_DIR is the parent of the attach folder (…/xenkeys).
const env = () => ({ XDG_RUNTIME_DIR: tmp.dir.replace(/\/xenkeys$/, '') });

function tui(...args: string[]): TuiDriver {
  const d = TuiDriver.spawn(['connect', '--no-record', ...args], { env: env(), cwd: tmp.cwd });
  drivers.push(d);
  return d;
}

describe('connect --attach', () => {
  it('shows scrollback and live output to a writer and a viewer at once; only the writer types', async () => {
    const writer = tui('--attach', 'lab');
    await writer.waitForScreen(/xenkeys-lab: dom0 ready/);
    await writer.waitForStatus(/attached to lab read-write/);
    const viewer = tui('--attach', 'lab', '--read-only');
    await viewer.waitForScreen(/dom0 ready\s*\n\/ #/);
    writer.press('uname\r');
    await expect
      .poll(() => Buffer.concat(hub.writes.map((w) => w.bytes)).toString(), { timeout: 10_000 })
      .toBe('uname\r');
    hub.emitData('\nLinux\r\n/ # ');
    await writer.waitForScreen(/Linux/);
    await viewer.waitForScreen(/uname\s*\n+Linux/);
    viewer.press('x');
    await viewer.waitForStatus(/read-only: input is not sent/);
    expect(hub.writes).toHaveLength(1);
    viewer.press('\x1dq');
    expect((await viewer.waitForExit()).exitCode).toBe(0);
    writer.press('\x1dq');
    expect((await writer.waitForExit()).exitCode).toBe(0);
    await expect.poll(() => hub.status().writer, { timeout: 10_000 }).toBeNull();
    // --no-record: no session folder left behind in the working directory (two empty ones were).
    expect(readdirSync(tmp.cwd)).toEqual([]);
  });

  it('refuses a second writer, saying who holds the seat and that --read-only would watch', async () => {
    const seat = hub.claimWriter('alice@ops pid 1')!;
    const second = tui('--attach', 'lab');
    const exit = await second.waitForExit();
    expect(exit.exitCode).toBe(4);
    expect(second.raw).toMatch(/read-write seat is taken by alice@ops pid 1/);
    expect(second.raw).toMatch(/--read-only/);
    seat.dispose();
  });

  it('lists the watched consoles when the name is wrong, and refuses --attach with a medium', async () => {
    const wrong = tui('--attach', 'db99');
    expect((await wrong.waitForExit()).exitCode).toBe(2);
    expect(wrong.raw).toMatch(/no watched console called db99/);
    expect(wrong.raw).toMatch(/Watched consoles: lab\./);
    const both = tui('--attach', 'lab', '--tcp', '127.0.0.1:1');
    expect((await both.waitForExit()).exitCode).toBe(2);
    expect(both.raw).toMatch(/--attach lab reaches the console through its watcher: drop --tcp/);
    const alone = tui('--tcp', '127.0.0.1:1', '--read-only');
    expect((await alone.waitForExit()).exitCode).toBe(2);
    expect(alone.raw).toMatch(/--read-only and --read-only-if-busy go with --attach/);
  });
});
