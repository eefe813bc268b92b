// Named targets through a real commander command built like `capture`: config values replace
// commander's defaults but never a flag typed on the command line (even one typed equal to its
// default), each value passes the flag's own checks, and the CLI itself resolves a target.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addCaptureFlags } from '../../src/cli/capture-flags.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import {
  addTransportFlags,
  createTransport,
  withTarget,
  type TransportFlags,
} from '../../src/cli/transport-options.js';
import { systemClock } from '../../src/core/clock.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = `targets:
  db07:
    ssh: admin@db07-bmc.example.net
    bmc: idrac
  lab:
    tcp: 127.0.0.1:4555
    conswitch: x
    baud: 9600
  keys:
    ssh: 127.0.0.1
    identity: [~/k1, /k2]
    known-hosts: /kh
    accept-new: true
`;

let dir: string;
let configFile: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-targets-'));
  configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, CONFIG);
  vi.stubEnv('HOME', dir); // no ~/.ssh/config of the machine's
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

type Flags = TransportFlags & { conswitch: string; keys: string };

async function resolve(...argv: string[]): Promise<Flags> {
  let result: Flags | undefined;
  const command = addCaptureFlags(addTransportFlags(new Command('capture')), {
    keys: 'post-mortem',
    quietGap: 1000,
  })
    .argument('[target]')
    .exitOverride()
    .action((target: string | undefined, flags: Flags, cmd: Command) => {
      result = withTarget(flags, target, cmd);
    });
  await command.parseAsync([...argv, '--config', configFile], { from: 'user' });
  return result!;
}

async function refusal(...argv: string[]): Promise<Error & { code?: string; hint?: string }> {
  return resolve(...argv).then(
    () => new Error('resolved'),
    (e: Error) => e,
  );
}

describe('named targets', () => {
  it('fill what the command line left at its defaults, parsed by the flags’ own parsers', async () => {
    const flags = await resolve('lab');
    expect(flags).toMatchObject({ tcp: '127.0.0.1:4555', conswitch: 'x', baud: 9600, keys: 'post-mortem' });
    expect(await resolve('keys')).toMatchObject({
      identity: ['~/k1', '/k2'],
      knownHosts: ['/kh'],
      acceptNew: true,
    });
  });

  it('reach console servers: a telnet port with its line speed, and a conserver console', async () => {
    writeFileSync(
      configFile,
      'targets:\n  cons:\n    telnet: cons1.lab:7001\n    baud: 57600\n  db08:\n    conserver: db08@consoles.lab:3109\n',
    );
    const cons = await resolve('cons');
    expect(cons).toMatchObject({ telnet: 'cons1.lab:7001', baud: 57600 });
    const telnet = await createTransport(cons, systemClock);
    expect(telnet.description).toBe('telnet cons1.lab:7001');
    expect(telnet.kind).toBe('telnet');
    const conserver = await createTransport(await resolve('db08'), systemClock);
    expect(conserver.description).toBe('conserver db08@consoles.lab:3109');
    expect(conserver.canBreak).toBe(true);
    // A medium typed on the command line replaces the target's, as for every other medium.
    expect(await resolve('db08', '--telnet', 'h:1')).not.toHaveProperty('conserver');
  });

  it('lose to flags typed on the command line, even ones typed equal to the default', async () => {
    const flags = await resolve('lab', '--conswitch', 'a', '--baud', '115200', '--keys', 'qd');
    expect(flags).toMatchObject({ tcp: '127.0.0.1:4555', conswitch: 'a', baud: 115200, keys: 'qd' });
  });

  it('give way to a console named on the command line', async () => {
    const flags = await resolve('db07', '--tcp', '127.0.0.1:7000');
    expect(flags.tcp).toBe('127.0.0.1:7000');
    expect(flags.ssh).toBeUndefined();
    expect((await createTransport(flags, systemClock)).description).toBe('tcp 127.0.0.1:7000');
  });

  it('make the transport the target describes', async () => {
    const t = await createTransport(await resolve('db07'), systemClock);
    expect(t.kind).toBe('ssh');
    expect(t.description).toBe('ssh admin@db07-bmc.example.net "console com2"');
  });

  it('name an unknown target’s file and the known ones, or say the file is missing', async () => {
    const error = await refusal('db08');
    expect(error).toMatchObject({ code: 'usage', message: `no target called db08 in ${configFile}` });
    expect(error.hint).toBe('Known targets: db07, lab, keys.');
    rmSync(configFile);
    expect((await refusal('db07')).hint).toMatch(/no config file there/);
  });

  it('refuse unknown keys and bad values by file and line', async () => {
    writeFileSync(configFile, 'targets:\n  a:\n    tcp: h:1\n    keys: qrd\n');
    const unknown = await refusal('a');
    expect(unknown.message).toBe(`${configFile}:4: target a: unknown key "keys"`);
    expect(unknown.hint).toMatch(/A target may set: .*accept-new.*bmc.*conswitch.*ssh/);
    expect(unknown.hint).not.toMatch(/\bconfig\b/);
    writeFileSync(configFile, 'targets:\n  a:\n    tcp: h:1\n    baud: fast\n');
    expect((await refusal('a')).message).toBe(
      `${configFile}:4: target a: baud: --baud must be a whole number from 50 to 4000000, not "fast".`,
    );
    writeFileSync(configFile, 'targets:\n  a:\n    parity: weird\n');
    expect((await refusal('a')).message).toContain(':3: target a: parity: "weird" is not one of none, even');
    writeFileSync(configFile, 'targets:\n  a:\n    accept-new: yes\n');
    expect((await refusal('a')).message).toContain(':3: target a: accept-new should be true or false');
  });
});

describe('named targets from the command line', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(ROOT, 'bin/xenkeys'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, FORCE_COLOR: '0' },
    });

  it('exits with the usage code for an unknown target or a stored secret', () => {
    const unknown = cli('capture', 'nosuch', '--config', configFile);
    expect(unknown.status).toBe(EXIT.usage);
    expect(unknown.stderr).toContain(`no target called nosuch in ${configFile}`);
    expect(unknown.stderr).toContain('Known targets: db07, lab, keys.');
    writeFileSync(configFile, 'targets:\n  r740:\n    ipmi: 10.0.0.7\n    password: s3cret-value\n');
    const secret = cli('capture', 'r740', '--config', configFile);
    expect(secret.status).toBe(EXIT.usage);
    expect(secret.stderr).toContain(':4: target r740: "password" would store a secret');
    expect(secret.stderr).not.toContain('s3cret-value');
  });

  it('connects to the target’s SSH console (nothing listens here: connect-failed)', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    writeFileSync(configFile, `targets:\n  bmc:\n    ssh: root@127.0.0.1:${port}\n    bmc: ilo\n`);
    const run = cli(
      'capture',
      'bmc',
      '--config',
      configFile,
      '--reconnect',
      '0',
      '--out',
      path.join(dir, 'out'),
    );
    expect(run.stderr).toContain(`ssh root@127.0.0.1:${port} "vsp"`);
    expect(run.stderr).toContain('nothing is listening');
    expect(run.status).toBe(EXIT['connect-failed']);
  });
});
