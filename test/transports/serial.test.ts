// SerialTransport on a real pty pair, a null-modem cable from test/helpers/pty-pair.py (side A is
// ours, side B plays the host): bytes
// both ways, exclusive access naming the holder, open errors with hints, unplug, and listing
// ports on a machine without udevadm.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSerialPorts } from '../../src/transports/list-ports.js';
import { findLockFileHolder, findOpenFdHolders } from '../../src/transports/port-holder.js';
import { SerialTransport } from '../../src/transports/serial.js';
import type { CloseReason } from '../../src/transports/transport.js';

const PTY_PAIR = fileURLToPath(new URL('../helpers/pty-pair.py', import.meta.url));

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

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

/** Starts a child and resolves once `ready` shows up in the chosen output stream. */
function startChild(
  cmd: string,
  args: string[],
  stream: 'stdout' | 'stderr',
  ready: string,
  detached = false,
): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    child[stream].on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(ready)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before "${ready}": ${seen}`)));
    child.once('error', reject);
  });
}

let children: ChildProcess[];
let transports: SerialTransport[];
let dir: string;
let a: string; // our side
let b: string; // the "host" side
let cable: ChildProcess; // test/helpers/pty-pair.py

beforeEach(async () => {
  children = [];
  transports = [];
  dir = mkdtempSync(join(tmpdir(), 'xk-serial-'));
  a = join(dir, 'a');
  b = join(dir, 'b');
  cable = await startChild('python3', [PTY_PAIR, a, b], 'stderr', 'starting data transfer loop');
});

afterEach(async () => {
  for (const t of transports) await t.close();
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    // Detached children lead their own group: kill it whole, so nothing keeps a tty open.
    if (child.spawnargs[0] === 'flock' && child.pid) process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
});

function serial(path = a): SerialTransport {
  const t = new SerialTransport({ path });
  transports.push(t);
  return t;
}

async function openHostSide(): Promise<SerialPort> {
  const port = new SerialPort({ path: b, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

async function closeHostSide(port: SerialPort): Promise<void> {
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

describe('SerialTransport', () => {
  it('describes its line settings and validates them', () => {
    expect(new SerialTransport({ path: '/dev/ttyUSB0' }).description).toBe('serial /dev/ttyUSB0 115200 8N1');
    expect(
      new SerialTransport({
        path: '/dev/ttyS1',
        baudRate: 9600,
        dataBits: 7,
        parity: 'even',
        stopBits: 2,
        flowControl: 'rtscts',
      }).description,
    ).toBe('serial /dev/ttyS1 9600 7E2 rtscts');
    expect(new SerialTransport({ path: '/dev/ttyS0' }).canBreak).toBe(true);
    expect(() => new SerialTransport({ path: '/dev/x', baudRate: 0 })).toThrow(
      expect.objectContaining({ code: 'usage' }),
    );
    expect(() => new SerialTransport({ path: '/dev/x', dataBits: 9 as 8 })).toThrow(
      expect.objectContaining({ code: 'usage' }),
    );
  });

  it('moves every byte value both ways, untouched', async () => {
    const t = serial();
    await t.open();
    const host = await openHostSide();
    try {
      const atHost = new Sink();
      host.on('data', atHost.push);
      await t.write(ALL_BYTES);
      expect([...(await atHost.waitFor(256))]).toEqual([...ALL_BYTES]);

      const atUs = new Sink();
      t.onData(atUs.push);
      host.write(ALL_BYTES);
      expect([...(await atUs.waitFor(256))]).toEqual([...ALL_BYTES]);
    } finally {
      await closeHostSide(host);
    }
  });

  it('refuses a second open of the same port, naming this process as the holder', async () => {
    await serial().open();
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    const error = await serial()
      .open()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'port-busy',
      message: `${a} is busy (held by ${comm} (pid ${process.pid}))`,
    });
    expect((error as { hint: string }).hint).toContain(`kill ${process.pid}`);
  });

  it('names another program holding the port', async () => {
    const holder = await startChild(
      'flock',
      [a, 'sh', '-c', 'echo locked; exec sleep 60'],
      'stdout',
      'locked',
      true,
    );
    const error = await serial()
      .open()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'port-busy',
      message: expect.stringContaining(`held by flock (pid ${holder.pid})`),
    });
  });

  it('reports a missing device as connect-failed with a hint to list ports', async () => {
    const error = await serial(join(dir, 'ttyUSB9'))
      .open()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'connect-failed', hint: expect.stringContaining('xenkeys ports') });
  });

  it('explains line settings this OS cannot do', async () => {
    const t = new SerialTransport({ path: a, parity: 'mark' });
    transports.push(t);
    const error = await t.open().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'connect-failed', hint: expect.stringContaining('Windows-only') });
  });

  it('closes locally once, safely twice, releases the lock and reopens', async () => {
    const t = serial();
    const reasons: CloseReason[] = [];
    t.onClose((r) => reasons.push(r));
    await t.open();
    await t.close('bye');
    await t.close();
    expect(reasons).toEqual([{ kind: 'local', message: 'bye' }]);
    await t.open(); // the flock went with the descriptor
    expect(t.isOpen).toBe(true);
    const host = await openHostSide();
    try {
      const atHost = new Sink();
      host.on('data', atHost.push);
      await t.write(Uint8Array.of(0x01, 0x01, 0x01));
      expect([...(await atHost.waitFor(3))]).toEqual([1, 1, 1]);
    } finally {
      await closeHostSide(host);
    }
  });

  it('reports the device going away as an error close', async () => {
    const t = serial();
    await t.open();
    const closed = new Promise<CloseReason>((resolve) => t.onClose(resolve));
    cable.kill('SIGTERM'); // the "adapter" is unplugged
    expect(await closed).toMatchObject({ kind: 'error', code: 'transport-lost' });
    expect(t.isOpen).toBe(false);
  });

  it('explains that a pty has no BREAK line', async () => {
    const t = serial();
    await t.open();
    await expect(t.sendBreak()).rejects.toMatchObject({ code: 'usage', message: /cannot send BREAK/ });
    expect(t.isOpen).toBe(true);
  });
});

describe('port holders', () => {
  it('finds processes with the device open via /proc/*/fd', async () => {
    const holders = await findOpenFdHolders(a);
    expect(holders).toContainEqual(
      expect.objectContaining({ pid: cable.pid, name: 'python3', via: 'open-fd' }),
    );
  });

  it('reads UUCP lock files, ignoring stale ones', async () => {
    const lockDir = join(dir, 'lock');
    mkdirSync(lockDir);
    // ptys are locked by their path below /dev (LCK..pts_3); ttyUSB0 would be LCK..ttyUSB0.
    const name = realpathSync(a).replace('/dev/', '').replace('/', '_');
    writeFileSync(join(lockDir, `LCK..${name}`), `${String(process.pid).padStart(10)}\n`);
    expect(await findLockFileHolder(a, [lockDir])).toMatchObject({ pid: process.pid, via: 'lockfile' });
    writeFileSync(join(lockDir, `LCK..${name}`), '4194304999\n'); // no such pid
    expect(await findLockFileHolder(a, [lockDir])).toBeUndefined();
  });
});

describe('listSerialPorts', () => {
  it('lists real ports without udevadm, and nothing virtual', async () => {
    const ports = await listSerialPorts();
    expect(Array.isArray(ports)).toBe(true);
    for (const port of ports) {
      expect(existsSync(port.path)).toBe(true);
      expect(port.path).not.toMatch(/^\/dev\/(tty\d*|console|ptmx|pts\/.*)$/);
      expect(port.description).not.toBe('');
      expect(['serialport', 'sysfs', 'dev']).toContain(port.source);
      const name = port.path.replace('/dev/', '');
      if (existsSync(`/sys/class/tty/${name}/type`)) {
        expect(readFileSync(`/sys/class/tty/${name}/type`, 'utf8').trim()).not.toBe('0');
      }
    }
  });
});
