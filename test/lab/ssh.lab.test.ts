// `xenkeys capture --ssh` against OpenSSH's sshd whose sessions are bridged to real Xen's serial
// line by `socat - TCP:…` (a BMC's SSH console, in effect): host-key policy end to end, complete
// captures that are a verbatim piece of QEMU's own log, and input left on dom0.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { SshTransport } from '../../src/transports/ssh/ssh.js';
import { startSshd, type Sshd } from './sshd.js';
import { waitForData } from './wait-data.js';
import { expectLossless } from './capture-checks.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);

interface Captures {
  input: { found: string; final: string; restored: boolean };
  captures: { key: string; text: string; endReason: string; complete: boolean }[];
}

describe('capture over SSH (sshd + socat to real Xen)', () => {
  let lab: XenLab;
  let sshd: Sshd;
  let home: string;
  let knownHosts: string;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    sshd = await startSshd({ forceCommand: `socat - TCP:127.0.0.1:${lab.tcpPort}` });
    home = mkdtempSync(path.join(tmpdir(), 'xenkeys-ssh-lab-'));
    knownHosts = path.join(home, 'known_hosts');
    console.info(`xen lab booted in ${lab.bootSeconds} s; sshd on ${sshd.port}; log ${lab.logPath}`);
  });

  afterAll(async () => {
    await sshd?.stop();
    await lab?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** The CLI as a user runs it, with a HOME of its own (no agent, no ~/.ssh of this machine). */
  async function capture(...extra: string[]): Promise<{ code: number; stderr: string; out: string }> {
    const out = mkdtempSync(path.join(home, 'out-'));
    const args = ['capture', '--ssh', `root@127.0.0.1:${sshd.port}`, '-i', sshd.clientKey];
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, FORCE_COLOR: '0' };
    delete env['SSH_AUTH_SOCK'];
    const result = await run(
      process.execPath,
      [path.join(ROOT, 'bin/xenkeys'), ...args, ...extra, '--out', out],
      {
        env,
        timeout: 200_000,
      },
    ).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    return { ...result, out };
  }

  it('refuses the unknown host key with the fingerprint ssh-keygen shows, and stores nothing', async () => {
    const r = await capture('--known-hosts', knownHosts, '--keys', 'q');
    expect(r.code).toBe(EXIT['host-key']);
    expect(r.stderr).toContain(`host key for [127.0.0.1]:${sshd.port} is not known`);
    expect(r.stderr).toContain(await sshd.hostFingerprint());
    expect(() => readFileSync(knownHosts)).toThrow(/ENOENT/);
  });

  it('with --accept-new stores the key and captures h, q, d completely, a verbatim piece of the line', async () => {
    const r = await capture('--known-hosts', knownHosts, '--accept-new', '--keys', 'qd');
    expect(r.code, r.stderr).toBe(0);
    // OpenSSH itself finds the stored line.
    expect(readFileSync(knownHosts, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicLine()}\n`);
    const found = await run('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', knownHosts]);
    expect(found.stdout).toContain(sshd.hostPublicLine());

    const doc = JSON.parse(readFileSync(path.join(r.out, 'captures.json'), 'utf8')) as Captures;
    expect(doc.captures.map((c) => c.key)).toEqual(['h', 'q', 'd']);
    for (const c of doc.captures)
      expect(c, `key ${c.key}`).toMatchObject({ endReason: 'quiet', complete: true });
    const text = (k: string): string => doc.captures.find((c) => c.key === k)!.text;
    expect(text('h')).toMatch(/'h' pressed -> showing installed handlers/);
    expect(text('q')).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
    expect(text('q')).toContain('General information for domain 0:');
    expect(text('d')).toMatch(/^\(XEN\) 'd' pressed -> dumping registers/);
    for (const cpu of [0, 1]) expect(text('d')).toContain(`*** Dumping CPU${cpu} `);
    expect(doc.input).toEqual({ found: 'dom0', final: 'dom0', restored: true });
    // Byte-exact through sshd's pty: no echo, no CR/LF rewriting — the raw log is a piece of QEMU's.
    expect(readFileSync(path.join(r.out, 'session.raw')).length).toBeGreaterThan(1000);
    await expectLossless(r.out, lab);
  });

  it('leaves input on dom0, passes \\x03 and \\r~. through, and sshd takes BREAK', async () => {
    const t = new SshTransport({
      address: `root@127.0.0.1:${sshd.port}`,
      identityFiles: [sshd.clientKey],
      knownHostsFiles: [knownHosts],
      home,
      env: {},
      prompt: null,
      systemKnownHosts: null,
    });
    await t.open();
    try {
      const chunks: Buffer[] = [];
      t.onData((b) => chunks.push(Buffer.from(b)));
      const subs = new Map<(b: Buffer) => void, { dispose(): void }>();
      const source = {
        on: (_: 'data', l: (b: Buffer) => void) =>
          subs.set(
            l,
            t.onData((b) => l(Buffer.from(b))),
          ),
        off: (_: 'data', l: (b: Buffer) => void) => subs.get(l)?.dispose(),
      };
      await t.sendBreak(); // OpenSSH answers RFC 4335 "break" on a pty with success
      // Ctrl-C would end socat if the far pty kept ISIG; `~.` would end an OpenSSH client's session.
      await t.write(Buffer.from('\x03\r~.\r', 'latin1'));
      const seen = waitForData(source, '42ok');
      await t.write(Buffer.from('echo $((6*7))ok\r'));
      await seen;
      expect(t.isOpen).toBe(true);
      const text = Buffer.concat(chunks).toString('latin1');
      // Typed once, echoed once (by dom0's shell): the far pty adds no echo of its own.
      expect(text.split('echo $((6*7))ok').length - 1).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('connects without --accept-new once the key is known', async () => {
    const r = await capture('--known-hosts', knownHosts, '--keys', 'q');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(knownHosts, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('refuses a changed host key, even with --accept-new, naming the new fingerprint', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    await sshd.rekey();
    const r = await capture('--known-hosts', knownHosts, '--accept-new', '--keys', 'q');
    expect(r.code).toBe(EXIT['host-key']);
    expect(r.stderr).toContain(`HOST KEY FOR [127.0.0.1]:${sshd.port} HAS CHANGED`);
    expect(r.stderr).toContain(await sshd.hostFingerprint());
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicLine()}\n`); // trusted again
  });
});
