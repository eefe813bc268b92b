// Debian's ser2net in front of the lab's serial line, the way a console server fronts a real one:
// one serialdev connector (real termios on QEMU's pty) behind three ports, raw, telnet and
// telnet(rfc2217). It runs under strace so a test can see the ioctls it makes on the line: a
// baud change (TCSETS2 … B57600) and BREAK (TIOCSBRK/TIOCCBRK, TCSBRK), which a pty cannot show.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, listening, stopGroup, trackGroup, waitUntil } from './lab-process.js';

export interface Ser2net {
  ports: { raw: number; telnet: number; rfc2217: number };
  /** ser2net's ioctl calls on the serial device so far (strace lines). */
  ioctls(): string[];
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
  return {
    ports,
    ioctls: () =>
      readFileSync(trace, 'utf8')
        .split('\n')
        .filter((line) => line.includes('ioctl(')),
    said: () => said,
    stop,
  };
}
