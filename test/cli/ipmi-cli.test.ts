// `xenkeys capture --ipmi` flags and exit codes as a user meets them, against the stand-in ipmitool
// and a UDP peer for the BMC probe: where the password comes from (and where it must not go), the
// 0600 rule for --password-file, SOL's longer quiet gap, and the documented exit codes.

import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import {
  addIpmiFlags,
  checkPasswordFile,
  IPMI_QUIET_GAP_MS,
  passwordSource,
} from '../../src/cli/ipmi-flags.js';
import { installFakeIpmitool, type FakeIpmitool, type FakeMode } from '../transports/fake-ipmitool.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PASSWORD = 'pw-5e2b-never-logged';
const REPLY = Buffer.from('0600ff0700000000000000000010811c6320043800019704030000000005', 'hex');

let fake: FakeIpmitool;
let dir: string;
let bmc: Socket;
let port: number;
beforeAll(async () => {
  fake = installFakeIpmitool();
  bmc = createSocket('udp4');
  bmc.on('message', (_p, from) => bmc.send(REPLY, from.port, from.address));
  await new Promise<void>((resolve) => bmc.bind(0, '127.0.0.1', resolve));
  port = bmc.address().port;
});
afterAll(() => {
  fake.remove();
  bmc.close();
});
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

async function capture(mode: FakeMode, args: string[], env: NodeJS.ProcessEnv = { IPMI_PASSWORD: PASSWORD }) {
  dir = mkdtempSync(path.join(tmpdir(), 'xenkeys-ipmi-cli-'));
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/xenkeys'),
      'capture',
      '--ipmi',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'admin',
      ...args,
      '--out',
      path.join(dir, 'out'),
    ],
    {
      env: {
        ...process.env,
        IPMI_PASSWORD: undefined,
        IPMITOOL_PASSWORD: undefined,
        FORCE_COLOR: '0',
        ...fake.env(mode),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number, output };
}

describe('xenkeys capture --ipmi', () => {
  it('lists the flags in ipmitool’s own spelling, clashing with nothing', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/xenkeys'), 'capture', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let help = '';
    child.stdout.on('data', (d: Buffer) => (help += d.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    for (const flag of [
      '--ipmi <host>',
      '-U, --user <name>',
      '-p, --port <port>',
      '-C, --cipher <suite>',
      '-L, --privilege <level>',
      '-I, --interface <intf>',
      '--password-file <file>',
      '--force',
    ]) {
      expect(help).toContain(flag);
    }
  });

  it('connects with IPMI_PASSWORD, which shows up in no argv and no output file', async () => {
    const run = await capture('ok', ['--keys', 'none']);
    expect(run.code, run.output).toBe(EXIT.ok);
    expect(run.output).not.toContain(PASSWORD);
    const runs = fake.runs();
    expect(runs.at(-1)!.envPassword).toBe(PASSWORD);
    for (const r of runs) expect(r.args.join(' ')).not.toContain(PASSWORD);
    for (const file of readdirSync(path.join(dir, 'out'))) {
      expect(readFileSync(path.join(dir, 'out', file)).includes(PASSWORD), file).toBe(false);
    }
  });

  it.each([
    ['busy', 'sol-busy', /already active on another session[\s\S]*--force/],
    ['auth', 'auth-failed', /refused the login/],
  ] as const)('exits with the %s code when ipmitool says so', async (mode, code, said) => {
    const run = await capture(mode, ['--keys', 'none']);
    expect(run.code, run.output).toBe(EXIT[code]);
    expect(run.output).toMatch(said);
  });

  it('exits tool-missing, with an install hint, when ipmitool is not on PATH', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'xenkeys-empty-path-'));
    const run = await capture('ok', ['--keys', 'none'], { IPMI_PASSWORD: PASSWORD, PATH: empty });
    rmSync(empty, { recursive: true });
    expect(run.code, run.output).toBe(EXIT['tool-missing']);
    expect(run.output).toContain('apt-get install ipmitool');
  });

  it('refuses to start without a password when there is no terminal to ask on', async () => {
    const run = await capture('ok', ['--keys', 'none'], {});
    expect(run.code, run.output).toBe(EXIT.usage);
    expect(run.output).toMatch(/IPMI_PASSWORD[\s\S]*--password-file/);
    expect(fake.runs().every((r) => r.args.includes('-E') || r.args.includes('-f'))).toBe(true);
  });
});

describe('IPMI password sources', () => {
  let files: string;
  beforeAll(() => void (files = mkdtempSync(path.join(tmpdir(), 'xenkeys-ipmi-pw-'))));
  afterAll(() => rmSync(files, { recursive: true, force: true }));
  const file = (name: string, mode: number, text = 'secret\n'): string => {
    const p = path.join(files, name);
    writeFileSync(p, text);
    chmodSync(p, mode);
    return p;
  };

  it('takes --password-file (as a path ipmitool reads), then IPMI_PASSWORD, then IPMITOOL_PASSWORD', () => {
    const ok = file('ok', 0o600);
    expect(passwordSource({ passwordFile: ok }, 'q', { IPMI_PASSWORD: 'env' })).toEqual({ file: ok });
    expect(passwordSource({}, 'q', { IPMI_PASSWORD: 'a', IPMITOOL_PASSWORD: 'b' }, undefined)).toEqual({
      value: 'a',
    });
    expect(passwordSource({}, 'q', { IPMITOOL_PASSWORD: 'b' }, undefined)).toEqual({ value: 'b' });
  });

  it('reads the variable a named target points at (--password-env), and says when it is unset', () => {
    expect(
      passwordSource({ passwordEnv: 'R740_PW' }, 'q', { R740_PW: 'x', IPMI_PASSWORD: 'a' }, undefined),
    ).toEqual({
      value: 'x',
    });
    expect(() => passwordSource({ passwordEnv: 'R740_PW' }, 'q', { IPMI_PASSWORD: 'a' }, undefined)).toThrow(
      /--password-env R740_PW: that variable is not set/,
    );
  });

  it('asks at the terminal, without echo, only when there is nothing else', async () => {
    const asked: string[] = [];
    const source = passwordSource({}, 'IPMI password for admin@bmc: ', {}, async (question, options) => {
      asked.push(`${question}|echo=${Boolean(options?.echo)}`);
      return 'typed';
    });
    expect('prompt' in source && (await source.prompt())).toBe('typed');
    expect(asked).toEqual(['IPMI password for admin@bmc: |echo=false']);
    expect(() => passwordSource({}, 'q', {}, undefined)).toThrow(/no terminal to ask on/);
  });

  it('insists the password file is private, non-empty and there', () => {
    expect(checkPasswordFile(file('private', 0o600))).toMatch(/private$/);
    expect(checkPasswordFile(file('readonly', 0o400))).toMatch(/readonly$/);
    expect(() => checkPasswordFile(file('shared', 0o644))).toThrow(/mode 644 lets others read/);
    expect(() => checkPasswordFile(file('group', 0o640))).toThrow(
      expect.objectContaining({ code: 'usage', hint: expect.stringMatching(/chmod 600/) }),
    );
    expect(() => checkPasswordFile(file('empty', 0o600, ''))).toThrow(/not a non-empty regular file/);
    expect(() => checkPasswordFile(path.join(files, 'absent'))).toThrow(/ENOENT/);
  });
});

describe('SOL quiet gap', () => {
  const parse = (args: string[]): number => {
    let seen = 0;
    const command = new Command('capture').exitOverride().option('--quiet-gap <ms>', 'gap', Number, 1000);
    addIpmiFlags(command).action((opts: { quietGap: number }) => void (seen = opts.quietGap));
    command.parse(args, { from: 'user' });
    return seen;
  };

  it(`defaults to ${IPMI_QUIET_GAP_MS} ms with --ipmi, unless the command line says otherwise`, () => {
    expect(parse(['--ipmi', 'bmc'])).toBe(IPMI_QUIET_GAP_MS);
    expect(parse(['--ipmi', 'bmc', '--quiet-gap', '500'])).toBe(500);
    expect(parse([])).toBe(1000);
  });
});
