// Debian's conserver with one console, `xen`, that it reaches the way conserver reaches terminal
// servers: telnet to a port (here ser2net's telnet port in front of the lab's serial line). `-i`
// connects to the console only while a client is attached, so ser2net is free between tests.
// Clients from 127.0.0.1 are trusted (no password); nothing listens beyond loopback.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, listening, stopGroup, trackGroup, waitUntil } from './lab-process.js';

export interface Conserver {
  /** The master's port: `console -M 127.0.0.1 -p PORT xen`. */
  port: number;
  /** The console name it serves. */
  name: string;
  /** conserver's own log of the console (what it saw on the line, with its markers). */
  consoleLog(): string;
  said(): string;
  stop(): Promise<void>;
}

export async function startConserver(options: { telnetPort: number }): Promise<Conserver> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-conserver-'));
  const [port, base] = [await freePort(), await freePort()];
  const config = path.join(dir, 'conserver.cf');
  writeFileSync(
    config,
    [
      'config * { }',
      `default * { logfile ${dir}/&.log; timestamp ""; rw *; master 127.0.0.1; }`,
      `console xen { type host; host 127.0.0.1; port ${options.telnetPort}; protocol telnet; }`,
      'access * { trusted 127.0.0.1; }',
      '',
    ].join('\n'),
  );
  const passwd = path.join(dir, 'conserver.passwd');
  writeFileSync(passwd, '', { mode: 0o600 });
  let said = '';
  // -E: plain (non-TLS) clients are fine on loopback; -b: where the console's group listens.
  const args = [
    '-C',
    config,
    '-P',
    passwd,
    '-M',
    '127.0.0.1',
    '-p',
    String(port),
    '-b',
    String(base),
    '-E',
    '-i',
  ];
  const child: ChildProcess = spawn('conserver', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (said += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  child.once('error', (error) => (said += `cannot run conserver: ${error.message}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  trackGroup(child);
  const stop = () => stopGroup(child, exited);
  try {
    // The master, and the group process it hands clients to (the first free port from -b up).
    await waitUntil(
      () => listening(port) && [0, 1, 2, 3].some((i) => listening(base + i)),
      () => child.exitCode !== null || said.includes('cannot run'),
      15_000,
    );
  } catch (error) {
    await stop();
    throw new Error(
      `conserver did not start (run test/lab/provision.sh: it installs conserver-server and conserver-client): ${String(error)}; it said: ${said.trim()}`,
      { cause: error },
    );
  }
  return {
    port,
    name: 'xen',
    consoleLog: () => {
      try {
        return readFileSync(path.join(dir, 'xen.log'), 'latin1');
      } catch {
        return '';
      }
    },
    said: () => said,
    stop,
  };
}
