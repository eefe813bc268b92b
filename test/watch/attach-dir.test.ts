// The attach folder and sockets are trusted only when they are ours and private: a planted folder,
// a symlink, a socket open to others or a live watcher's socket are refused, never replaced.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAttachDir } from '../../src/watch/attach-dir.js';
import { socketFileName, consoleNameOf } from '../../src/watch/attach-protocol.js';
import { startAttachServer } from '../../src/watch/attach-server.js';
import { FakeHub } from '../../src/watch/fake-hub.js';
import { attachClient } from './attach-helpers.js';

let base: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'xk-attach-dir-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const hub = () => new FakeHub('lab');

describe('attach folder', () => {
  it('is $XDG_RUNTIME_DIR/xenkeys, or /tmp/xenkeys-UID without an absolute runtime dir', () => {
    expect(defaultAttachDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000)).toBe('/run/user/1000/xenkeys');
    expect(defaultAttachDir({ XDG_RUNTIME_DIR: 'relative' }, 1000)).toBe('/tmp/xenkeys-1000');
    expect(defaultAttachDir({}, 42)).toBe('/tmp/xenkeys-42');
  });

  it('refuses a folder others can reach, and a symlinked one, on both sides', async () => {
    const open = path.join(base, 'open');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o755);
    await expect(startAttachServer(hub(), open)).rejects.toThrow(/open to others \(mode 755\)/);
    const real = path.join(base, 'real');
    mkdirSync(real, { mode: 0o700 });
    const link = path.join(base, 'link');
    symlinkSync(real, link);
    await expect(startAttachServer(hub(), link)).rejects.toThrow(/is a symbolic link/);
    await expect(attachClient({ name: 'lab', mode: 'ro', dir: link }).transport.open()).rejects.toThrow(
      /is a symbolic link/,
    );
    // Someone else's folder: only root can make one here, and these tests usually run as root.
    if (process.getuid?.() === 0) {
      chownSync(real, 65534, 65534);
      await expect(startAttachServer(hub(), real)).rejects.toThrow(/belongs to uid 65534, not to you/);
    }
  });

  it('never replaces a symlink, a plain file or a socket open to others at the socket path', async () => {
    const dir = path.join(base, 'xenkeys');
    mkdirSync(dir, { mode: 0o700 });
    const sock = path.join(dir, 'lab.sock');
    symlinkSync('/etc/passwd', sock);
    await expect(startAttachServer(hub(), dir)).rejects.toThrow(/lab.sock: it is a symbolic link/);
    await expect(attachClient({ name: 'lab', mode: 'ro', dir }).transport.open()).rejects.toThrow(
      /is a symbolic link/,
    );
    rmSync(sock);
    writeFileSync(sock, 'x');
    await expect(startAttachServer(hub(), dir)).rejects.toThrow(/is not a socket/);
    rmSync(sock);
    const other = await listenOn(sock);
    chmodSync(sock, 0o666);
    await expect(startAttachServer(hub(), dir)).rejects.toThrow(/open to others \(mode 666\)/);
    await new Promise((r) => other.close(r));
  });

  it("replaces its own stale socket, but not a live watcher's", async () => {
    const dir = path.join(base, 'xenkeys');
    const first = await startAttachServer(hub(), dir);
    await expect(startAttachServer(hub(), dir)).rejects.toThrow(/lab is already being watched/);
    const stale = crashedWatcherSocket(dir, 'stale');
    expect(statSync(stale).isSocket()).toBe(true);
    const second = await startAttachServer(new FakeHub('stale'), dir);
    const viewer = attachClient({ name: 'stale', mode: 'ro', dir });
    await viewer.transport.open();
    await viewer.transport.close();
    await second.close();
    await first.close();
  });

  it('maps any console name to one flat socket file name and back', () => {
    for (const name of ['lab', 'db07.example', 'tcp 127.0.0.1:4555', '../etc', '.hidden', 'ünï']) {
      const file = socketFileName(name);
      expect(file).not.toContain('/');
      expect(file.startsWith('.')).toBe(false);
      expect(consoleNameOf(file)).toBe(name);
    }
  });
});

function listenOn(file: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(file, () => resolve(server));
  });
}

/** What a watcher killed with -9 leaves: its socket file, with nobody listening. */
function crashedWatcherSocket(dir: string, name: string): string {
  const file = path.join(dir, `${name}.sock`);
  const script = `const f=${JSON.stringify(file)};require('net').createServer().listen(f,()=>{require('fs').chmodSync(f,0o600);process.kill(process.pid,'SIGKILL')})`;
  const child = spawnSync(process.execPath, ['-e', script]);
  expect(child.signal).toBe('SIGKILL');
  return file;
}
