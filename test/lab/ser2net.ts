// Debian's ser2net in front of the lab's serial line, the way a console server fronts a real one:
// one serialdev connector (real termios on QEMU's pty) behind three ports, raw, telnet and
// telnet(rfc2217). It runs under strace so a test can see the ioctls it makes on the line: a
// baud change (TCSETS2 … B57600) and BREAK (TIOCSBRK/TIOCCBRK, TCSBRK), which a pty cannot show.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, listening, stopGroup, trackGroup, waitUntil } from './lab-process.js';

export interface Ser2net {
  ports: { raw: number; telnet: number; rfc2217: number };
  /** ser2net's ioctl calls on the serial device so far (strace lines). */
  ioctls(): string[];
  /**
   * Resolves once ser2net has let go of the device. It releases it a moment after a client leaves,
   * and until then a new client is told "Port's device already in use" and dropped.
   */
  idle(): Promise<void>;
  /** What ser2net printed (it is quiet unless something is wrong). */
  said(): string;
  stop(): Promise<void>;
}

export async function startSer2net(options: { device: string }): Promise<Ser2net> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-ser2net-'));
  const ports = { raw: await freePort(), telnet: await freePort(), rfc2217: await freePort() };
  const connector = `serialdev,${options.device},115200n81,local`;
  const connection = (name: string, accepter: string) =>
    [
      `connection: &${name}`,
      `  accepter: ${accepter}`,
      `  connector: ${connector}`,
      '  options:',
      '    kickolduser: true',
      '    mdns: false',
      '',
    ].join('\n');
  const config = path.join(dir, 'ser2net.yaml');
  writeFileSync(
    config,
    connection('raw', `tcp,127.0.0.1,${ports.raw}`) +
      connection('telnet', `telnet,tcp,127.0.0.1,${ports.telnet}`) +
      connection('rfc2217', `telnet(rfc2217),tcp,127.0.0.1,${ports.rfc2217}`),
  );
  const trace = path.join(dir, 'ioctl.trace');
  writeFileSync(trace, '');
  let said = '';
  const child: ChildProcess = spawn(
    'strace',
    ['-f', '-qq', '-e', 'trace=ioctl', '-o', trace, 'ser2net', '-n', '-d', '-c', config],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => (said += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => (said += `cannot run strace/ser2net: ${error.message}`));
  trackGroup(child);
  const stop = () => stopGroup(child, exited);
  try {
    await waitUntil(
      () => Object.values(ports).every(listening),
      () => child.exitCode !== null || said.includes('cannot run'),
      15_000,
    );
  } catch (error) {
    await stop();
    throw new Error(
      `ser2net did not start (run test/lab/provision.sh: it installs ser2net and strace): ${String(error)}; it said: ${said.trim()}`,
      { cause: error },
    );
  }
  const holdsDevice = (): boolean => {
    for (const pid of processTree(child.pid!)) {
      try {
        for (const fd of readdirSync(`/proc/${pid}/fd`)) {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === options.device) return true;
        }
      } catch {
        // gone meanwhile
      }
    }
    return false;
  };
  return {
    ports,
    idle: () =>
      waitUntil(
        () => !holdsDevice(),
        () => child.exitCode !== null,
        15_000,
      ),
    ioctls: () =>
      readFileSync(trace, 'utf8')
        .split('\n')
        .filter((line) => line.includes('ioctl(')),
    said: () => said,
    stop,
  };
}

/** pid and all its descendants (strace, then ser2net), from each process's ppid in /proc. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === all[i]) all.push(pid);
  }
  return all;
}
