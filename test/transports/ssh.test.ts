// SshTransport against ssh2's own Server on 127.0.0.1: host-key policy (unknown, accept-new,
// changed, hashed), the PTY and console command per preset, byte-exactness both ways including
// `\r~.` and `\r~B` (no client-side escape), BREAK, exit status, and connection errors.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSshTransport } from '../../src/cli/ssh-flags.js';
import { systemClock } from '../../src/core/clock.js';
import { isXenkeysError } from '../../src/core/errors.js';
import { fingerprint, hashHostName } from '../../src/transports/ssh/known-hosts.js';
import { SshTransport, type SshTransportOptions } from '../../src/transports/ssh/ssh.js';
import type { CloseReason, TransportNotice } from '../../src/transports/transport.js';
import { newKeyPair, publicBlob, startTestServer, type TestServer } from './ssh-test-server.js';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

let home: string;
let keyFile: string;
let knownHosts: string;
let server: TestServer;
let transports: SshTransport[];
const clientKey = newKeyPair('ed25519');

beforeEach(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'xenkeys-ssh-'));
  keyFile = path.join(home, 'client_key');
  writeFileSync(keyFile, clientKey.private, { mode: 0o600 });
  knownHosts = path.join(home, 'known_hosts');
  server = await startTestServer({ authorizedKey: clientKey.public });
  transports = [];
});

afterEach(async () => {
  for (const t of transports) await t.close();
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

function ssh(options: Partial<SshTransportOptions> = {}): SshTransport {
  const t = new SshTransport({
    address: `root@127.0.0.1:${server.port}`,
    identityFiles: [keyFile],
    knownHostsFiles: [knownHosts],
    home,
    env: {},
    prompt: null,
    systemKnownHosts: null,
    ...options,
  });
  transports.push(t);
  return t;
}

function trustServer(): void {
  writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${server.hostPublicLine}\n`);
}

async function openError(t: SshTransport): Promise<Error & { code?: string; hint?: string }> {
  const error = await t.open().then(
    () => new Error('open() succeeded'),
    (e: Error) => e,
  );
  return error;
}

describe('SshTransport host keys', () => {
  it('refuses an unknown host key, naming its SHA256 fingerprint, and stores nothing', async () => {
    const error = await openError(ssh());
    expect(isXenkeysError(error, 'host-key')).toBe(true);
    expect(error.message).toContain(`[127.0.0.1]:${server.port}`);
    expect(error.message).toContain(`ED25519 key ${fingerprint(server.hostPublicKey)}`);
    expect(fingerprint(server.hostPublicKey)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(error.hint).toContain('--accept-new');
    expect(() => readFileSync(knownHosts)).toThrow(/ENOENT/);
    expect(server.logins).toEqual([]); // refused before any login was attempted
  });

  it('--accept-new stores the key in OpenSSH format, connects, and the key is known next time', async () => {
    const first = ssh({ acceptNew: true });
    const notices: TransportNotice[] = [];
    first.onNotice((n) => notices.push(n));
    await first.open();
    expect(readFileSync(knownHosts, 'utf8')).toBe(`[127.0.0.1]:${server.port} ${server.hostPublicLine}\n`);
    expect(notices[0]?.type === 'info' && notices[0].message).toContain(fingerprint(server.hostPublicKey));
    await first.close();
    await ssh().open();
    expect(readFileSync(knownHosts, 'utf8').split('\n')).toHaveLength(2); // stored once
  });

  it('refuses a changed host key even with --accept-new, showing both fingerprints', async () => {
    const old = newKeyPair('ed25519');
    const before = `[127.0.0.1]:${server.port} ${old.public.split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(knownHosts, before);
    const error = await openError(ssh({ acceptNew: true }));
    expect(isXenkeysError(error, 'host-key')).toBe(true);
    expect(error.message).toContain('HAS CHANGED');
    expect(error.message).toContain(fingerprint(server.hostPublicKey));
    expect(error.message).toContain(`${knownHosts}:1`);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
  });

  it('offers the recorded key type first: a host with ed25519 and RSA keys, known by RSA, connects', async () => {
    const rsa = newKeyPair('rsa');
    const both = await startTestServer({ authorizedKey: clientKey.public, extraHostKeys: [rsa.private] });
    try {
      const before = `[127.0.0.1]:${both.port} ${rsa.public.split(' ').slice(0, 2).join(' ')}\n`;
      writeFileSync(knownHosts, before);
      const t = ssh({ address: `root@127.0.0.1:${both.port}`, acceptNew: true });
      await t.open();
      await t.close();
      expect(readFileSync(knownHosts, 'utf8')).toBe(before);
    } finally {
      await both.close();
    }
  });

  it('--accept-new refuses a host known by RSA that presents ed25519 as changed, appending nothing', async () => {
    const rsa = newKeyPair('rsa');
    const before = `[127.0.0.1]:${server.port} ${rsa.public.split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(knownHosts, before);
    const error = await openError(ssh({ acceptNew: true }));
    expect(isXenkeysError(error, 'host-key')).toBe(true);
    expect(error.message).toContain('HOST KEY TYPE');
    expect(error.message).toContain(`ED25519 key ${fingerprint(server.hostPublicKey)}`);
    expect(error.message).toContain(`RSA key ${fingerprint(publicBlob(rsa.public))}`);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
    expect(server.logins).toEqual([]);
  });

  it('accepts a hashed entry in ~/.ssh/known_hosts', async () => {
    const name = `[127.0.0.1]:${server.port}`;
    const sshDir = path.join(home, '.ssh');
    rmSync(sshDir, { recursive: true, force: true });
    await import('node:fs').then((fs) => fs.mkdirSync(sshDir));
    writeFileSync(
      path.join(sshDir, 'known_hosts'),
      `${hashHostName(name, Buffer.from('0123456789abcdef0123'))} ${server.hostPublicLine}\n`,
    );
    await ssh({ knownHostsFiles: [] }).open();
  });
});

describe('SshTransport console', () => {
  beforeEach(trustServer);

  it('asks for a raw xterm-256color 80x24 PTY and runs each preset command', async () => {
    const cases: [Record<string, string>, string | undefined][] = [
      [{ bmc: 'idrac' }, 'console com2'],
      [{ bmc: 'ilo' }, 'vsp'],
      [{ bmc: 'smash' }, 'start /system1/sol1'],
      [{ bmc: 'conserver:db07' }, 'console db07'],
      [{ sshCommand: "console -f 'node 7'" }, "console -f 'node 7'"],
      [{}, undefined],
    ];
    for (const [flags, command] of cases) {
      const t = (await createSshTransport(
        { ssh: `root@127.0.0.1:${server.port}`, identity: [keyFile], knownHosts: [knownHosts], ...flags },
        systemClock,
      )) as SshTransport;
      transports.push(t);
      await t.open();
      const session = await server.nextSession();
      expect(session.kind).toBe(command === undefined ? 'shell' : 'exec');
      expect(session.command).toBe(command);
      expect(session.pty).toMatchObject({ term: 'xterm-256color', cols: 80, rows: 24 });
      // The raw terminal modes are proven against OpenSSH's sshd in the lab (ssh.lab.test.ts):
      // ssh2 1.17's server decodes a pty-req's mode bytes from the wrong offset and reports {}.
      expect(t.description).toBe(
        `ssh root@127.0.0.1:${server.port} ${command === undefined ? 'shell' : JSON.stringify(command)}`,
      );
      await t.close();
    }
  });

  it('moves every byte value verbatim both ways; \\r~. and \\r~B pass through untouched', async () => {
    const t = ssh();
    expect(t.canBreak).toBe(true);
    const got: Buffer[] = [];
    t.onData((chunk) => got.push(Buffer.from(chunk)));
    await t.open();
    const session = await server.nextSession();
    const escapes = Buffer.from('\r~.\r~B\r~?\r~~', 'latin1');
    await t.write(ALL_BYTES);
    await t.write(escapes);
    const received = await session.waitForBytes(256 + escapes.length);
    expect(received).toEqual(Buffer.concat([ALL_BYTES, escapes]));
    expect(t.isOpen).toBe(true); // `~.` did not end anything
    expect(session.breaks).toEqual([]); // `~B` sent no BREAK

    const arrived = new Promise<void>((resolve) =>
      t.onData(() => Buffer.concat(got).length >= 512 && resolve()),
    );
    session.stream.write(Buffer.from(ALL_BYTES));
    session.stream.write(Buffer.from(ALL_BYTES));
    await arrived;
    expect(Buffer.concat(got)).toEqual(Buffer.concat([ALL_BYTES, ALL_BYTES]));
  });

  it('sends BREAK as an RFC 4335 break request of 1000 ms', async () => {
    const t = ssh();
    await t.open();
    const session = await server.nextSession();
    const seen = session.nextBreak();
    await t.sendBreak();
    expect(await seen).toBe(1000);
    expect(session.breaks).toEqual([1000]);
  });

  it('reports a server that refuses BREAK', async () => {
    await server.close();
    server = await startTestServer({ authorizedKey: clientKey.public, acceptBreak: false });
    trustServer();
    const t = ssh();
    await t.open();
    await server.nextSession();
    await expect(t.sendBreak()).rejects.toThrow(/refused the BREAK/);
    expect(t.isOpen).toBe(true);
  });

  it('reports the console command exiting, with its status, as a remote close', async () => {
    const t = ssh({ command: 'console com2' });
    const closed = new Promise<CloseReason>((resolve) => t.onClose(resolve));
    await t.open();
    const session = await server.nextSession();
    session.stream.exit(3);
    session.stream.end();
    expect(await closed).toEqual({
      kind: 'remote',
      message: `ssh root@127.0.0.1:${server.port} "console com2": the console session ended (exit status 3)`,
    });
    expect(t.isOpen).toBe(false);
  });

  it('closes locally once and can open again', async () => {
    const t = ssh();
    const reasons: CloseReason[] = [];
    t.onClose((r) => reasons.push(r));
    await t.open();
    await server.nextSession();
    await t.close('done');
    await t.close('again');
    expect(reasons).toEqual([{ kind: 'local', message: 'done' }]);
    await t.open();
    await server.nextSession();
    expect(t.isOpen).toBe(true);
  });
});

describe('SshTransport connection errors', () => {
  it('says nothing listens when the port is closed', async () => {
    const port = server.port;
    await server.close();
    const error = await openError(ssh({ address: `root@127.0.0.1:${port}` }));
    expect(isXenkeysError(error, 'connect-failed')).toBe(true);
    expect(error.hint).toContain(`nothing is listening on 127.0.0.1:${port}`);
  });

  it('refuses user:password@host in the address', () => {
    expect(() => ssh({ address: 'root:hunter2@127.0.0.1' })).toThrow(
      expect.objectContaining({ code: 'usage', message: expect.not.stringContaining('hunter2') }),
    );
  });
});
