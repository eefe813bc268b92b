// SSH logins against ssh2's own Server: key files (default names, -i, encrypted with and without a
// passphrase prompt), ssh-agent (a real agent-protocol peer on a unix socket), password and
// keyboard-interactive from XENKEYS_SSH_PASSWORD or a prompt, ~/.ssh/config aliases, and failures.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isXenkeysError } from '../../src/core/errors.js';
import { SshTransport, type SshTransportOptions } from '../../src/transports/ssh/ssh.js';
import { newKeyPair, startTestServer, type TestServer, type TestServerOptions } from './ssh-test-server.js';

const SECRET = 'correct horse battery staple';
const clientKey = newKeyPair('ed25519');

let home: string;
let server: TestServer | undefined;
let agent: Server | undefined;
let transports: SshTransport[];

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'xenkeys-ssh-auth-'));
  mkdirSync(path.join(home, '.ssh'));
  transports = [];
});

afterEach(async () => {
  for (const t of transports) await t.close();
  await server?.close();
  server = undefined;
  await new Promise<void>((resolve) => (agent ? agent.close(() => resolve()) : resolve()));
  agent = undefined;
  rmSync(home, { recursive: true, force: true });
});

async function serve(options: TestServerOptions): Promise<TestServer> {
  server = await startTestServer(options);
  writeFileSync(
    path.join(home, '.ssh', 'known_hosts'),
    `[127.0.0.1]:${server.port} ${server.hostPublicLine}\n`,
  );
  return server;
}

function ssh(options: Partial<SshTransportOptions> = {}): SshTransport {
  const t = new SshTransport({
    address: `admin@127.0.0.1:${server!.port}`,
    home,
    env: {},
    prompt: null,
    systemKnownHosts: null,
    ...options,
  });
  transports.push(t);
  return t;
}

function writeKey(name: string, text: string): string {
  const file = path.join(home, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

async function failure(t: SshTransport): Promise<Error & { code?: string; hint?: string }> {
  return t.open().then(
    () => new Error('open() succeeded'),
    (e: Error) => e,
  );
}

describe('SSH logins', () => {
  it('uses ~/.ssh/id_ed25519 when no -i is given', async () => {
    const s = await serve({ authorizedKey: clientKey.public, methods: ['publickey'] });
    writeKey('.ssh/id_ed25519', clientKey.private);
    await ssh().open();
    expect(s.logins.at(-1)).toMatchObject({ method: 'publickey', username: 'admin', ok: true });
  });

  it('names the methods it tried when every one is refused, and never the password', async () => {
    await serve({ authorizedKey: newKeyPair().public, password: SECRET });
    const key = writeKey('wrong_key', clientKey.private);
    const error = await failure(
      ssh({ identityFiles: [key], env: { XENKEYS_SSH_PASSWORD: 'hunter2-wrong' } }),
    );
    expect(isXenkeysError(error, 'auth-failed')).toBe(true);
    expect(error.message).toContain('publickey ~/wrong_key');
    expect(error.message).toContain('keyboard-interactive');
    expect(error.message).toContain('password');
    expect(error.message).toContain('it accepts publickey, keyboard-interactive, password');
    expect(`${error.message}\n${error.hint}`).not.toContain('hunter2');
    expect(error.hint).toContain('-i FILE');
  });

  it('logs in with XENKEYS_SSH_PASSWORD, by password and by keyboard-interactive', async () => {
    const s = await serve({ password: SECRET, methods: ['password'] });
    await ssh({ env: { XENKEYS_SSH_PASSWORD: SECRET } }).open();
    expect(s.logins.at(-1)).toMatchObject({ method: 'password', ok: true });
    await s.close();
    const k = await serve({ password: SECRET, methods: ['keyboard-interactive'] });
    await ssh({ env: { XENKEYS_SSH_PASSWORD: SECRET } }).open();
    expect(k.logins.at(-1)).toMatchObject({ method: 'keyboard-interactive', ok: true });
  });

  it('asks at the terminal for a password, once per transport, with ssh’s wording', async () => {
    const s = await serve({ password: SECRET, methods: ['password'] });
    const asked: string[] = [];
    const t = ssh({ prompt: async (q) => (asked.push(q), SECRET) });
    await t.open();
    await t.close();
    await t.open(); // a reconnect does not ask again
    expect(asked).toEqual([`admin@127.0.0.1:${s.port}'s password: `]);
  });

  it('asks for an encrypted key’s passphrase, or says to use ssh-agent when it cannot', async () => {
    const encrypted = newKeyPair('ed25519', 'key-pass');
    await serve({ authorizedKey: encrypted.public, methods: ['publickey'] });
    const key = writeKey('enc_key', encrypted.private);
    const error = await failure(ssh({ identityFiles: [key] }));
    expect(isXenkeysError(error, 'auth-failed')).toBe(true);
    expect(error.hint).toContain('~/enc_key is encrypted');
    expect(error.hint).toContain('ssh-add ~/enc_key');

    const answers = ['wrong', 'key-pass'];
    const asked: string[] = [];
    await ssh({ identityFiles: [key], prompt: async (q) => (asked.push(q), answers.shift()!) }).open();
    expect(asked).toEqual([
      `Enter passphrase for key '~/enc_key': `,
      `Enter passphrase for key '~/enc_key': `,
    ]);
  });

  it('expands ~/ in -i and --known-hosts (config-file paths never see a shell)', async () => {
    const s = await serve({ authorizedKey: clientKey.public, methods: ['publickey'] });
    writeKey('tilde_key', clientKey.private);
    writeFileSync(path.join(home, 'kh'), `[127.0.0.1]:${s.port} ${s.hostPublicLine}\n`);
    rmSync(path.join(home, '.ssh', 'known_hosts'));
    await ssh({ identityFiles: ['~/tilde_key'], knownHostsFiles: ['~/kh'] }).open();
    expect(s.logins.at(-1)).toMatchObject({ method: 'publickey', ok: true });
  });

  it('refuses a missing -i file clearly', async () => {
    await serve({ authorizedKey: clientKey.public });
    const error = await failure(ssh({ identityFiles: [path.join(home, 'nope')] }));
    expect(isXenkeysError(error, 'usage')).toBe(true);
    expect(error.message).toMatch(/^-i .*nope: ENOENT/);
  });

  it('signs with a key held by ssh-agent (SSH_AUTH_SOCK)', async () => {
    const s = await serve({ authorizedKey: clientKey.public, methods: ['publickey'] });
    const parsed = ssh2.utils.parseKey(clientKey.private);
    if (parsed instanceof Error) throw parsed;
    const socket = path.join(home, 'agent.sock');
    agent = createServer((conn) => {
      const proto = new ssh2.AgentProtocol(false);
      proto.on('identities', (req) => proto.getIdentitiesReply(req, [parsed]));
      proto.on('sign', (req, _key, data, opts) => proto.signReply(req, parsed.sign(data, opts.hash)));
      conn.pipe(proto).pipe(conn);
    });
    await new Promise<void>((resolve) => agent!.listen(socket, resolve));
    await ssh({ env: { SSH_AUTH_SOCK: socket } }).open();
    expect(s.logins.at(-1)).toMatchObject({ method: 'publickey', ok: true });
  });

  it('follows a ~/.ssh/config alias: HostName, Port, User and IdentityFile', async () => {
    const s = await serve({ authorizedKey: clientKey.public, methods: ['publickey'] });
    writeKey('alias_key', clientKey.private);
    writeFileSync(
      path.join(home, '.ssh', 'config'),
      `Host db07-bmc\n  HostName 127.0.0.1\n  Port ${s.port}\n  User operator\n  IdentityFile ~/alias_key\n`,
    );
    const t = ssh({ address: 'db07-bmc' });
    expect(t.description).toBe(`ssh operator@127.0.0.1:${s.port} shell`);
    await t.open();
    expect(s.logins.at(-1)).toMatchObject({ method: 'publickey', username: 'operator', ok: true });
  });
});
