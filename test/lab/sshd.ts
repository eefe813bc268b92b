// OpenSSH's sshd on a loopback port for lab tests, standing in for a BMC's SSH console: every
// session runs a ForceCommand (e.g. socat to QEMU's serial socket). Host and client keys are made
// per run with ssh-keygen in a temp folder; stop() always ends it, and a process exit hook too.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  dir: string;
  /** The client's private key (ed25519, no passphrase), authorised for every user. */
  clientKey: string;
  /** `ssh-keygen -lf` of the current host key: "SHA256:…". */
  hostFingerprint(): Promise<string>;
  /** The current host key's public line ("ssh-ed25519 AAAA…"). */
  hostPublicLine(): string;
  /** sshd's own log (stderr, LogLevel VERBOSE). */
  log(): string;
  /** A new host key, same port: what a re-keyed (or impersonated) BMC looks like. */
  rekey(): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let hookInstalled = false;

export async function startSshd(options: {
  forceCommand: string;
  /** Host keys of these types too (a BMC with several, as most have): host_rsa, host_ecdsa. */
  extraHostKeys?: ('rsa' | 'ecdsa')[];
}): Promise<Sshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  const extra = (options.extraHostKeys ?? []).map((t) => path.join(dir, `host_${t}`));
  const keygen = (file: string, type = 'ed25519'): Promise<unknown> =>
    run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'xenkeys-lab', '-f', file]);
  try {
    await Promise.all([
      keygen(hostKey),
      keygen(clientKey),
      ...(options.extraHostKeys ?? []).map((t, i) => keygen(extra[i]!, t)),
    ]);
  } catch (error) {
    throw new Error(
      `ssh-keygen failed (run test/lab/provision.sh: it installs openssh-client): ${String(error)}`,
      { cause: error },
    );
  }
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  // sshd refuses to start without its privilege-separation folder (Debian makes it at boot only).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  let port = 0;
  let child: ChildProcess | undefined;
  let log = '';
  const start = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      port ||= await freePort();
      writeFileSync(path.join(dir, 'sshd_config'), config(dir, port, options.forceCommand, extra));
      try {
        child = await launch(dir, (text) => (log += text));
        return;
      } catch (error) {
        if (!/Address already in use/.test(String(error)) || attempt === 3) throw error;
        port = 0;
      }
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGTERM');
    await gone;
    live.delete(c);
  };
  await start();
  return {
    port,
    dir,
    clientKey,
    hostPublicLine: () => readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' '),
    hostFingerprint: async () => (await run('ssh-keygen', ['-lf', `${hostKey}.pub`])).stdout.split(' ')[1]!,
    log: () => log,
    rekey: async () => {
      await stop();
      rmSync(hostKey);
      rmSync(`${hostKey}.pub`);
      await keygen(hostKey);
      await start();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function config(dir: string, port: number, forceCommand: string, extraHostKeys: string[]): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    ...extraHostKeys.map((k) => `HostKey ${k}`),
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel VERBOSE',
    `ForceCommand ${forceCommand}`,
    '',
  ].join('\n');
}

/** Runs `sshd -D -e` and resolves once it says it is listening (its own words, not a timer). */
function launch(dir: string, onLog: (text: string) => void): Promise<ChildProcess> {
  const child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => live.forEach((c) => c.kill('SIGKILL')));
  }
  return new Promise((resolve, reject) => {
    let said = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      onLog(text);
      said += text;
      if (/Server listening on 127\.0\.0\.1 port/.test(said)) resolve(child);
    });
    child.once('error', (error) => reject(new Error(`cannot run ${SSHD}: ${error.message}`)));
    child.once('exit', (code, signal) => {
      live.delete(child);
      reject(new Error(`sshd exited (${signal ?? `code ${code}`}) before listening: ${said.trim()}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
