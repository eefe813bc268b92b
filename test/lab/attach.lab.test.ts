// Attach on real Xen: a minimal watcher (a XenConsole over QEMU's TCP serial, behind the attach
// server) and two clients at once. The read-write one types at dom0, both see dom0's answer, the
// read-only one cannot type, and detaching leaves the watcher's line and the viewer running; then
// the built CLI's TUI (`connect --attach`) does the same from a pseudo-terminal.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { Emitter } from '../../src/core/emitter.js';
import { XenkeysError } from '../../src/core/errors.js';
import { XenConsole } from '../../src/console/xen-console.js';
import { TcpTransport } from '../../src/transports/tcp.js';
import { askStatus } from '../../src/watch/attach-client.js';
import { startAttachServer, type AttachServerHandle } from '../../src/watch/attach-server.js';
import type { ConsoleHub, HubStatus, WriterSeat } from '../../src/watch/hub.js';
import { TuiDriver } from '../helpers/tui-driver.js';
import { attachClient, tempAttachDir } from '../watch/attach-helpers.js';
import { startXenLab, type XenLab } from './xen-lab.js';

/** dom0 under TCG answers in well under a second when idle, but the machine is shared. */
const LAB_WAIT = 60_000;

/** The least a watcher does: hold the line, keep output for scrollback, write for one seat holder. */
class LabHub implements ConsoleHub {
  readonly name = 'lab';
  private kept = Buffer.alloc(0);
  private writer: string | null = null;
  private readonly notices = new Emitter<string>();
  constructor(readonly console: XenConsole) {
    console.transport.onData((b) => (this.kept = Buffer.concat([this.kept, b]).subarray(-1_000_000)));
  }
  status(): HubStatus {
    const c = this.console;
    return {
      ...{ name: this.name, target: c.transport.description, since: new Date().toISOString() },
      connection: c.transport.isOpen ? 'connected' : 'closed',
      bytes: c.bytesReceived,
      lastOutputAt: null,
      input: c.input.target,
      ...{ incidents: 0, incidentRunning: false, writer: this.writer, viewers: 0 },
    };
  }
  scrollback = (max: number): Uint8Array => this.kept.subarray(-max);
  onData = (listener: (bytes: Uint8Array) => void) => this.console.transport.onData(listener);
  onNotice = this.notices.on;
  claimWriter(who: string): WriterSeat | null {
    if (this.writer) return null;
    this.writer = who;
    let held = true;
    return {
      write: async (bytes) => {
        if (!held) throw new XenkeysError('usage', 'seat given up');
        await this.console.send(bytes, 'keyboard');
      },
      dispose: () => {
        if (held && this.writer === who) this.writer = null;
        held = false;
      },
    };
  }
}

describe('attach on real Xen', () => {
  let lab: XenLab;
  let console: XenConsole;
  let server: AttachServerHandle;
  const tmp = tempAttachDir();

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    const transport = new TcpTransport({ host: '127.0.0.1', port: lab.tcpPort! });
    console = new XenConsole(transport, { clock: systemClock });
    await transport.open();
    server = await startAttachServer(new LabHub(console), tmp.dir);
  });
  afterAll(async () => {
    await server?.close();
    await console?.transport.close();
    console?.dispose();
    await lab?.stop();
    tmp.cleanup();
  });

  it('lets a writer type at dom0 while a viewer watches; both see the answer; detaching disturbs nobody', async () => {
    const writer = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'lab-writer' });
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir });
    await writer.transport.open();
    await viewer.transport.open();
    expect(await askStatus(tmp.dir, 'lab')).toMatchObject({ writer: 'lab-writer', viewers: 1 });

    // The shell computes 42: seeing it proves dom0 ran what the writer typed.
    await writer.transport.write(Buffer.from('echo attach-$((6*7))\r'));
    for (const c of [writer, viewer]) await c.waitFor(/attach-42\r*\n/, LAB_WAIT);
    await lab.waitForLog('attach-42');
    await expect(viewer.transport.write(Buffer.from('echo no\r'))).rejects.toThrow(/read-only/);

    await writer.transport.close();
    await expect.poll(async () => (await askStatus(tmp.dir, 'lab')).writer, { timeout: 10_000 }).toBeNull();
    expect(console.transport.isOpen).toBe(true);
    // A second person takes the free seat; the viewer, still attached, sees that too.
    const next = attachClient({ name: 'lab', mode: 'rw', dir: tmp.dir, who: 'next' });
    await next.transport.open();
    await next.transport.write(Buffer.from('echo again-$((7*6))\r'));
    await viewer.waitFor(/again-42\r*\n/, LAB_WAIT);
    expect(next.text()).toContain('attach-42'); // its scrollback holds the first writer's work
    await next.transport.close();
    await viewer.transport.close();
    expect(path.basename(server.sockets.get('lab')!)).toBe('lab.sock');
  });

  it('runs the usual TUI on the watcher with `connect --attach` (built CLI in a pty)', async () => {
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir, scrollback: 0 });
    await viewer.transport.open();
    const tui = TuiDriver.spawn(['connect', '--attach', 'lab', '--no-record'], {
      env: { XDG_RUNTIME_DIR: path.dirname(tmp.dir) },
    });
    try {
      await tui.waitForStatus(/attached to lab read-write/, LAB_WAIT);
      tui.press('echo tui-$((6*7))\r');
      await tui.waitForScreen(/^tui-42$/m, LAB_WAIT);
      await viewer.waitFor(/tui-42\r*\n/, LAB_WAIT);
      tui.press('\x1dq');
      expect((await tui.waitForExit(LAB_WAIT)).exitCode).toBe(0);
    } finally {
      tui.kill();
    }
    expect(console.transport.isOpen).toBe(true);
    await viewer.transport.close();
  });
});
