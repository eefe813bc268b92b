// `xenkeys capture --ssh` as a user runs it, against ssh2's own Server: a password login from
// XENKEYS_SSH_PASSWORD, which must appear in no argv, cast, raw log or captures.json; and the
// host-key refusal's exit code.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { fingerprint } from '../../src/transports/ssh/known-hosts.js';
import { newKeyPair, publicBlob, startTestServer, type TestServer } from '../transports/ssh-test-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSWORD = 'pw-9c41e0-not-for-logs';

let dir: string;
let server: TestServer;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-ssh-cli-'));
  server = await startTestServer({ password: PASSWORD, methods: ['password'] });
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/xenkeys'), 'capture', ...args], {
    env: { ...process.env, HOME: dir, FORCE_COLOR: '0', XENKEYS_SSH_PASSWORD: PASSWORD, SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const done = once(child, 'exit').then(([code]) => ({ code: code as number, output }));
  return { child, done };
}

describe('xenkeys capture --ssh', () => {
  it('logs in with XENKEYS_SSH_PASSWORD and leaves the password in no argv or output file', async () => {
    const knownHosts = path.join(dir, 'kh');
    writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${server.hostPublicLine}\n`);
    const out = path.join(dir, 'out');
    const run = start([
      '--ssh',
      `admin@127.0.0.1:${server.port}`,
      '--known-hosts',
      knownHosts,
      '--bmc',
      'idrac',
      '--keys',
      'none',
      '--no-discover',
      '--record-input',
      '--out',
      out,
    ]);
    const session = await server.nextSession();
    const argv = readFileSync(`/proc/${run.child.pid}/cmdline`, 'utf8');
    expect(argv).toContain('--ssh');
    expect(argv).not.toContain(PASSWORD);
    session.stream.write('console output\r\n');
    const { code, output } = await run.done;
    expect(server.logins.at(-1)).toMatchObject({ method: 'password', username: 'admin', ok: true });
    expect(session.command).toBe('console com2');
    expect(code, output).toBe(EXIT.ok);
    expect(output).not.toContain(PASSWORD);
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['captures.json', 'session.cast', 'session.raw']));
    for (const file of files)
      expect(readFileSync(path.join(out, file), 'latin1'), file).not.toContain(PASSWORD);
  });

  it('exits with the host-key code and the fingerprint for an unknown server', async () => {
    const { code, output } = await start([
      '--ssh',
      `admin@127.0.0.1:${server.port}`,
      '--known-hosts',
      path.join(dir, 'none'),
      '--keys',
      'none',
      '--out',
      path.join(dir, 'out'),
    ]).done;
    expect(code).toBe(EXIT['host-key']);
    expect(output).toContain(fingerprint(server.hostPublicKey));
    expect(output).toContain('--accept-new');
  });

  it('--accept-new: a host known by an RSA key that presents ed25519 exits 10 with both fingerprints', async () => {
    const rsa = newKeyPair('rsa');
    const knownHosts = path.join(dir, 'kh');
    const before = `[127.0.0.1]:${server.port} ${rsa.public.split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(knownHosts, before);
    const { code, output } = await start([
      '--ssh',
      `admin@127.0.0.1:${server.port}`,
      '--known-hosts',
      knownHosts,
      '--accept-new',
      '--keys',
      'none',
      '--out',
      path.join(dir, 'out'),
    ]).done;
    expect(code, output).toBe(EXIT['host-key']);
    expect(output).toContain('HAS CHANGED');
    expect(output).toContain(fingerprint(server.hostPublicKey));
    expect(output).toContain(fingerprint(publicBlob(rsa.public)));
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
    expect(server.logins).toEqual([]);
  });
});
