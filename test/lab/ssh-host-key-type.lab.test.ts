// --accept-new against OpenSSH's own sshd (no Xen needed: its sessions run `cat`), on a host with
// ed25519 and RSA keys: known by its RSA key, xenkeys negotiates RSA and connects, storing nothing;
// known by a key of a type the host does not offer, it is refused as changed (exit 10, both
// fingerprints), and known_hosts is left as it was — as OpenSSH's own ssh does with accept-new.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { startSshd, type Sshd } from './sshd.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);

describe('--accept-new and key types, against sshd', () => {
  let sshd: Sshd;
  let home: string;

  beforeAll(async () => {
    sshd = await startSshd({ forceCommand: 'cat', extraHostKeys: ['rsa'] });
    home = mkdtempSync(path.join(tmpdir(), 'xenkeys-ssh-type-'));
  });

  afterAll(async () => {
    await sshd?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function capture(knownHosts: string): Promise<{ code: number; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, FORCE_COLOR: '0' };
    delete env['SSH_AUTH_SOCK'];
    const args = ['capture', '--ssh', `root@127.0.0.1:${sshd.port}`, '-i', sshd.clientKey];
    const out = mkdtempSync(path.join(home, 'out-'));
    return run(
      process.execPath,
      [
        path.join(ROOT, 'bin/xenkeys'),
        ...args,
        '--known-hosts',
        knownHosts,
        '--accept-new',
        '--keys',
        'none',
        '--no-discover',
        '--out',
        out,
      ],
      { env, timeout: 60_000 },
    ).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
  }

  const publicLine = (file: string): string => readFileSync(file, 'utf8').split(' ').slice(0, 2).join(' ');
  const fingerprintOf = async (file: string): Promise<string> =>
    (await run('ssh-keygen', ['-lf', file])).stdout.split(' ')[1]!;

  it('known by its RSA key: negotiates RSA and connects, appending nothing', async () => {
    const knownHosts = path.join(home, 'kh-rsa');
    const before = `[127.0.0.1]:${sshd.port} ${publicLine(path.join(sshd.dir, 'host_rsa.pub'))}\n`;
    writeFileSync(knownHosts, before);
    const r = await capture(knownHosts);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  });

  it('known by an ECDSA key it does not offer: refused as changed, both fingerprints, nothing appended', async () => {
    const other = path.join(home, 'other_ecdsa');
    await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', other]);
    const knownHosts = path.join(home, 'kh-ecdsa');
    const before = `[127.0.0.1]:${sshd.port} ${publicLine(`${other}.pub`)}\n`;
    writeFileSync(knownHosts, before);
    const r = await capture(knownHosts);
    expect(r.code, r.stderr).toBe(EXIT['host-key']);
    expect(r.stderr).toContain(`HOST KEY TYPE FOR [127.0.0.1]:${sshd.port} HAS CHANGED`);
    expect(r.stderr).toContain(`ECDSA key ${await fingerprintOf(`${other}.pub`)}`);
    // The host offers ed25519 first (OpenSSH's order) once ECDSA is not to be had.
    expect(r.stderr).toContain(`ED25519 key ${await sshd.hostFingerprint()}`);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);

    // OpenSSH's own client, same file, same policy: the same refusal, the same untouched file.
    const ssh = await run('ssh', [
      ...['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new'],
      ...['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null'],
      ...['-i', sshd.clientKey, '-p', String(sshd.port), 'root@127.0.0.1', 'true'],
    ]).then(
      () => ({ stderr: '' }),
      (e: { stderr: string }) => ({ stderr: e.stderr }),
    );
    expect(ssh.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  });
});
