// IpmiTransport with a stand-in ipmitool (a real program under the real pty) and real UDP peers
// for the BMC probe: the password only in the environment, open() settling with the right code,
// ipmitool's lines as notices, escapes, BREAK, a clean quit, and a BMC that falls silent.

import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { IpmiTransport, type IpmiTransportOptions } from '../../src/transports/ipmi/ipmi.js';
import { ReconnectingTransport } from '../../src/transports/reconnecting.js';
import type { CloseReason, TransportNotice } from '../../src/transports/transport.js';
import { installFakeIpmitool, type FakeIpmitool, type FakeMode } from './fake-ipmitool.js';

const PASSWORD = 'pw-Only-In-Env-91';
const REPLY = Buffer.from('0600ff0700000000000000000010811c6320043800019704030000000005', 'hex');

let fake: FakeIpmitool;
const sockets: Socket[] = [];
const open: IpmiTransport[] = [];
beforeAll(() => void (fake = installFakeIpmitool()));
afterAll(() => fake.remove());
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  sockets.splice(0).forEach((s) => s.close());
});

/** A UDP "BMC" for the probe; `answering: false` plays one that hangs (`unanswered` counts pings). */
async function bmc(): Promise<{ port: number; answering: boolean; unanswered: number }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const state = { port: 0, answering: true, unanswered: 0 };
  const reply = (port: number, address: string): void => socket.send(REPLY, port, address);
  socket.on('message', (_p, from) => (state.answering ? reply(from.port, from.address) : state.unanswered++));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  return state;
}

interface Started {
  t: IpmiTransport;
  data: () => string;
  notices: TransportNotice[];
  closed: Promise<CloseReason>;
  waitForData: (text: string) => Promise<void>;
}

function make(mode: FakeMode, port: number, extra: Partial<IpmiTransportOptions> = {}, env = {}): Started {
  const t = new IpmiTransport({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: { value: PASSWORD },
    env: fake.env(mode, env),
    probe: { attempts: 3, intervalMs: 50 },
    ...extra,
  });
  open.push(t);
  let received = '';
  const waiters: (() => void)[] = [];
  t.onData((b) => {
    received += Buffer.from(b).toString('latin1');
    waiters.forEach((w) => w());
  });
  const notices: TransportNotice[] = [];
  t.onNotice((n) => notices.push(n));
  const closed = new Promise<CloseReason>((resolve) => t.onClose(resolve));
  const waitForData = (text: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => void (received.includes(text) && resolve());
      waiters.push(check);
      check();
    });
  return { t, data: () => received, notices, closed, waitForData };
}

const messages = (notices: TransportNotice[]): string[] =>
  notices.map((n) => ('message' in n ? n.message : n.type));

describe('IpmiTransport', () => {
  it('runs ipmitool with -E and the password in its environment only, never in argv', async () => {
    const peer = await bmc();
    const { t } = make('ok', peer.port, { cipherSuite: 3, privilege: 'OPERATOR' });
    await t.open();
    const run = fake.runs().at(-1)!;
    expect(run.args).toEqual([
      '-I',
      'lanplus',
      '-H',
      '127.0.0.1',
      '-p',
      String(peer.port),
      '-U',
      'admin',
      '-C',
      '3',
      '-L',
      'OPERATOR',
      '-E',
      '-e',
      '\x1d',
      'sol',
      'activate',
    ]);
    expect(run.envPassword).toBe(PASSWORD);
    expect(readFileSync(`/proc/${t.pid}/cmdline`, 'latin1')).not.toContain(PASSWORD);
    expect(t.activateArgs().join(' ')).not.toContain(PASSWORD);
    for (const shown of [t.description, inspect(t, { depth: 5, showHidden: true }), JSON.stringify(t)]) {
      expect(shown).not.toContain(PASSWORD);
    }
  });

  it('passes a password file as -f FILE, with no password in the environment', async () => {
    const peer = await bmc();
    const { t } = make('ok', peer.port, { password: { file: '/run/secrets/bmc' } });
    await t.open();
    const run = fake.runs().at(-1)!;
    expect(run.args.slice(-6)).toEqual(['-f', '/run/secrets/bmc', '-e', '\x1d', 'sol', 'activate']);
    expect(run.args).not.toContain('-E');
    expect(run.envPassword).toBeNull();
  });

  it('asks a prompt once, and reuses the answer when it reconnects', async () => {
    const peer = await bmc();
    let asked = 0;
    const prompt = async (): Promise<string> => (asked++, 'typed-at-the-prompt');
    const { t } = make('ok', peer.port, { password: { prompt } });
    await t.open();
    await t.close();
    await t.open();
    expect(asked).toBe(1);
    expect(
      fake
        .runs()
        .slice(-2)
        .map((r) => r.envPassword),
    ).toEqual(['typed-at-the-prompt', 'typed-at-the-prompt']);
  });

  it('opens at "SOL Session operational"; ipmitool’s lines are notices, the console’s bytes data', async () => {
    const peer = await bmc();
    const s = make('cipher', peer.port);
    await s.t.open();
    expect(s.t.isOpen).toBe(true);
    await s.waitForData('(XEN) first\r\n');
    expect(s.data()).toBe('(XEN) first\r\n');
    expect(s.notices).toEqual([
      { type: 'info', message: 'ipmitool: Unable to Get Channel Cipher Suites' },
      { type: 'info', message: 'ipmitool: [SOL Session operational.  Use ^]? for help]' },
    ]);
  });

  it('escapes what it writes, so ipmitool forwards it exactly, and sends BREAK on purpose', async () => {
    const peer = await bmc();
    const s = make('ok', peer.port);
    await s.t.open();
    const bytes = Buffer.from('\x1d.\r\x1dB\x1d\x1d\nx\x1d', 'latin1');
    await s.t.write(bytes);
    await s.waitForData(`rx ${bytes.toString('hex')}\n`);
    await s.t.write(Buffer.from('\r'));
    await s.waitForData('rx 0d\n');
    await s.t.sendBreak();
    await s.waitForData('BREAK\n');
    expect(messages(s.notices)).toContain('ipmitool: ^]B [send break]');
    expect(s.data()).not.toContain('[send break]');
    await s.t.write(Buffer.from('y'));
    await expect(s.t.sendBreak()).rejects.toMatchObject({
      code: 'usage',
      message: /only at the start of a line/,
    });
  });

  it('quits with `^].` at a line start, and with SIGINT elsewhere: a local close either way', async () => {
    const peer = await bmc();
    const a = make('ok', peer.port);
    await a.t.open();
    await a.t.close('done');
    expect(await a.closed).toEqual({ kind: 'local', message: 'done' });
    expect(messages(a.notices)).toContain('ipmitool: ^]. [terminated ipmitool]');

    const b = make('ok', peer.port);
    await b.t.open();
    await b.t.write(Buffer.from('half a line'));
    await b.waitForData('rx ');
    await b.t.close('done');
    expect(await b.closed).toEqual({ kind: 'local', message: 'done' });
    expect(messages(b.notices)).toContain(
      'ipmitool: SIGN INT: Close Interface IPMI v2.0 RMCP+ LAN Interface',
    );
    expect(b.data()).not.toContain('SIGN INT');
  });

  it.each([
    ['busy', 'sol-busy', /SOL payload already active on another session/],
    ['prompt', 'usage', /ipmitool asked for a password/],
  ] as const)('%s: open() rejects with %s, and no close is reported', async (mode, code, message) => {
    const peer = await bmc();
    const s = make(mode, peer.port);
    let closes = 0;
    s.t.onClose(() => closes++);
    await expect(s.t.open()).rejects.toMatchObject({ code, message });
    expect(s.t.isOpen).toBe(false);
    expect(closes).toBe(0);
  });

  it('tells a refused login from a silent BMC (ipmitool prints the same line for both)', async () => {
    const answering = await bmc();
    await expect(make('auth', answering.port).t.open()).rejects.toMatchObject({
      code: 'auth-failed',
      message: /refused the login/,
      hint: /IPMI_PASSWORD/,
    });
    const silent = await bmc();
    silent.answering = false;
    await expect(make('auth', silent.port).t.open()).rejects.toMatchObject({
      code: 'bmc-unresponsive',
      message: /no reply to 3 IPMI pings/,
    });
  });

  it('--force deactivates first, the same way (env password, no -e), and says what it found', async () => {
    const peer = await bmc();
    const s = make('ok', peer.port, { force: true });
    await s.t.open();
    const [deactivate, activate] = fake.runs().slice(-2);
    expect(deactivate!.args.slice(-3)).toEqual(['-E', 'sol', 'deactivate']);
    expect(deactivate!.envPassword).toBe(PASSWORD);
    expect(activate!.args.slice(-2)).toEqual(['sol', 'activate']);
    expect(messages(s.notices)[0]).toMatch(/^--force: deactivated the SOL session/);

    const idle = make('ok', peer.port, { force: true }, { FAKE_DEACTIVATE: 'inactive' });
    await idle.t.open();
    expect(messages(idle.notices).slice(0, 2)).toEqual([
      'ipmitool: Info: SOL payload already de-activated',
      '--force: no SOL session was active',
    ]);
  });

  it('reports the BMC closing the session as a remote loss, and a keepalive loss as bmc-unresponsive', async () => {
    const peer = await bmc();
    const closed = make('closed', peer.port);
    await closed.t.open();
    expect(await closed.closed).toMatchObject({
      kind: 'remote',
      message: /ipmitool: SOL session closed by BMC/,
    });
    expect(closed.data()).toBe('bye\r\n');

    const keepalive = make('keepalive', peer.port);
    await keepalive.t.open();
    expect(await keepalive.closed).toMatchObject({ kind: 'error', code: 'bmc-unresponsive' });
  });

  it('a session the BMC closed is reopened by the reconnecting wrapper', async () => {
    const peer = await bmc();
    const s = make('closed', peer.port);
    const wrapper = new ReconnectingTransport(
      s.t,
      { attempts: 3, initialDelayMs: 10, maxDelayMs: 10 },
      systemClock,
    );
    const notices: TransportNotice[] = [];
    const reconnected = new Promise<void>((resolve) =>
      wrapper.onNotice((n) => (notices.push(n), n.type === 'reconnected' && resolve())),
    );
    await wrapper.open();
    await reconnected;
    await wrapper.close();
    expect(notices.find((n) => n.type === 'reconnecting')).toMatchObject({
      attempt: 1,
      reason: expect.stringMatching(/SOL session closed by BMC/),
    });
    expect(fake.runs().filter((r) => r.args.at(-1) === 'activate').length).toBeGreaterThanOrEqual(2);
  });

  it('notices a BMC that stops answering mid-session, and ends the session with bmc-unresponsive', async () => {
    const peer = await bmc();
    const liveness = { idleMs: 300, attempts: 2, intervalMs: 50 };
    const s = make('ok', peer.port, { liveness });
    await s.t.open();
    peer.answering = false;
    expect(await s.closed).toMatchObject({
      kind: 'error',
      code: 'bmc-unresponsive',
      message: /no SOL data for 0.3 s/,
    });
    expect(peer.unanswered).toBe(liveness.attempts); // bounded by counting pings, not by timing
    expect(messages(s.notices)).toContain(
      'ipmitool: SIGN INT: Close Interface IPMI v2.0 RMCP+ LAN Interface',
    );
  });

  it('says ipmitool is missing, and how to install it', async () => {
    const s = make('ok', 623, {}, { PATH: '/nonexistent' });
    await expect(s.t.open()).rejects.toMatchObject({
      code: 'tool-missing',
      hint: /apt-get install ipmitool/,
    });
  });
});
