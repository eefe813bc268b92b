// IPMI Serial-over-LAN on real Xen 4.17: `xenkeys capture --ipmi` through Debian's ipmitool and
// OpenIPMI's ipmi_sim (a real BMC simulator bridged to QEMU's serial). Complete captures, input back
// on dom0, the stale-session path (--force), a refused login, a BMC that stops answering, and a
// password that never shows up in any argv or output file.

import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { EventEmitter, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { IpmiTransport } from '../../src/transports/ipmi/ipmi.js';
import { DEFAULT_LIVENESS, livenessBoundMs } from '../../src/transports/ipmi/ipmi-liveness.js';
import { runCli, startCli } from '../helpers/run-cli.js';
import { expectLossless, readOut } from './capture-checks.js';
import { startIpmiSim, type IpmiSim } from './ipmi-sim.js';
import { waitForData } from './wait-data.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-ipmi-'));
const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10;

/** Every process's argv, as `ps` would show it to any user. */
function allCmdlines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`).toString('latin1').replaceAll('\0', ' '));
    } catch {
      // the process ended while we looked
    }
  }
  return lines;
}

/** Every file under dir, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe('IPMI SOL through ipmitool and ipmi_sim on real Xen', () => {
  let lab: XenLab;
  let sim: IpmiSim;
  const ipmi = (...extra: string[]): string[] => [
    '--ipmi',
    sim.host,
    '-p',
    String(sim.port),
    '-U',
    sim.user,
    ...extra,
  ];
  const env = (): NodeJS.ProcessEnv => ({ IPMI_PASSWORD: sim.password });
  const transport = (): IpmiTransport =>
    new IpmiTransport({
      host: sim.host,
      port: sim.port,
      user: sim.user,
      cipherSuite: 3,
      password: { value: sim.password },
    });

  /** Types at dom0 through a fresh SOL session: `42ok` comes back only if dom0's shell ran it. */
  async function expectDom0AnswersOverSol(): Promise<void> {
    const t = transport();
    const data = new EventEmitter();
    t.onData((bytes) => data.emit('data', Buffer.from(bytes)));
    await t.open();
    try {
      const marker = `${Math.floor(Math.random() * 900) + 100}`;
      const from = lab.log().length;
      const seen = waitForData(data, `42ok${marker}`, 20_000);
      await t.write(Buffer.from(`echo $((6*7))ok${marker}\r`));
      await seen;
      await lab.waitForLog(`42ok${marker}`, { from }); // and QEMU's own record agrees
    } finally {
      await t.close();
    }
  }

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    sim = await startIpmiSim({ serialPort: lab.tcpPort! });
    console.info(`xen lab booted in ${lab.bootSeconds} s; ipmi_sim on udp ${sim.port}; log ${lab.logPath}`);
  });
  afterAll(async () => {
    await sim?.stop();
    await lab?.stop();
  });

  it('captures h q d completely over SOL, keeps ipmitool out of the data, and leaves input on dom0', async () => {
    await sim.restart(); // ipmi_sim drops a session's first packet if its sequence number collides
    const out = tmp();
    const started = performance.now();
    // No -C: ipmi_sim does not answer "Get Channel Cipher Suites", so ipmitool waits ~10 s first.
    const run = startCli(['capture', ...ipmi(), '--keys', 'qd', '--progress', '--out', out], { env: env() });
    await run.waitForOutput(/connected to ipmi/, 120_000);
    // While the session runs: ipmitool is there, and no process's argv holds the password.
    const argv = allCmdlines();
    expect(argv.some((c) => c.includes('sol activate') && c.includes(String(sim.port)))).toBe(true);
    expect(argv.filter((c) => c.includes(sim.password))).toEqual([]);
    const result = await run.done;
    console.info(`capture over SOL: ${seconds(started)} s`);
    expect(result.code, result.stderr).toBe(0);

    const { captures, markers, raw, byKey, cast } = readOut(out);
    expect(captures.captures.map((c) => c.key)).toEqual(['h', 'q', 'd']);
    for (const c of captures.captures)
      expect(c, `key ${c.key}`).toMatchObject({ endReason: 'quiet', complete: true });
    expect(byKey('q')!.text).toContain('General information for domain 0:');
    for (const cpu of [0, 1]) expect(byKey('d')!.text).toContain(`*** Dumping CPU${cpu} `);
    expect(captures.input).toMatchObject({ found: 'dom0', final: 'dom0', restored: true });
    expect(captures.console.transport).toBe('ipmi');
    // --ipmi makes the quiet gap 2 s: each key ends at least that long after its last byte.
    let lastOutput = 0;
    for (const e of cast.events) {
      if (e.code === 'o') lastOutput = e.time;
      if (e.code === 'm' && / end: /.test(e.data))
        expect(e.time - lastOutput, e.data).toBeGreaterThanOrEqual(1.99);
    }
    // ipmitool's own lines are markers, never console bytes; the bytes are a clean piece of the wire.
    expect(markers).toContain('ipmitool: Unable to Get Channel Cipher Suites');
    expect(markers).toContain('ipmitool: [SOL Session operational.  Use ^]? for help]');
    expect(raw.toString('latin1')).not.toMatch(/SOL Session|Cipher Suites|terminated ipmitool/);
    await expectLossless(out, lab);
    // The password is nowhere: not in the output folder, not in what xenkeys printed.
    for (const file of filesUnder(out)) expect(readFileSync(file).includes(sim.password), file).toBe(false);
    expect(result.stdout + result.stderr).not.toContain(sim.password);

    await sim.restart();
    await expectDom0AnswersOverSol();
  });

  it('a client killed with SIGKILL leaves SOL busy: a plain attempt exits sol-busy, --force gets in', async () => {
    await sim.restart();
    const first = transport();
    await first.open();
    const gone = new Promise((resolve) => first.onClose(resolve));
    process.kill(first.pid!, 'SIGKILL'); // no `~.`, no session close: the BMC keeps the payload
    await gone;

    const busy = await runCli(['capture', ...ipmi('-C', '3'), '--keys', 'none', '--out', tmp()], {
      env: env(),
    });
    expect(busy.code, busy.stderr).toBe(EXIT['sol-busy']);
    expect(busy.stderr).toContain('SOL payload already active on another session');
    expect(busy.stderr).toContain('--force');

    const out = tmp();
    const forced = await runCli(['capture', ...ipmi('-C', '3', '--force'), '--keys', 'q', '--out', out], {
      env: env(),
    });
    expect(forced.code, forced.stderr).toBe(0);
    const { markers, byKey } = readOut(out);
    expect(markers.some((m) => m.startsWith('--force: deactivated the SOL session'))).toBe(true);
    expect(byKey('q')!.text).toContain('General information for domain 0:');
  });

  // Times are printed, never asserted (a loaded CI machine would fail them): the exit code and the
  // message are what the user sees; a hang would time the test out.
  it('a wrong password exits auth-failed', async () => {
    await sim.restart();
    const wrong = { IPMI_PASSWORD: 'not-the-password' };
    let started = performance.now();
    const quick = await runCli(['capture', ...ipmi('-C', '3'), '--keys', 'none', '--out', tmp()], {
      env: wrong,
    });
    const withSuite = seconds(started);
    expect(quick.code, quick.stderr).toBe(EXIT['auth-failed']);
    expect(quick.stderr).toContain('the BMC answers, so it refused the login');

    started = performance.now();
    const slow = await runCli(['capture', ...ipmi(), '--keys', 'none', '--out', tmp()], { env: wrong });
    const withoutSuite = seconds(started);
    expect(slow.code, slow.stderr).toBe(EXIT['auth-failed']);
    // Without -C, ipmitool first asks ipmi_sim for its cipher suites (about 10 s more).
    console.info(`wrong password: exit 9 after ${withSuite} s with -C 3, ${withoutSuite} s without`);
  });

  it('notices a BMC that stops answering mid-session, and says so (time printed beside the bound)', async () => {
    await sim.restart();
    const boundSeconds = livenessBoundMs(DEFAULT_LIVENESS) / 1000 + 3; // + ipmitool's SIGINT grace
    // The transport itself: the session ends with code bmc-unresponsive.
    const t = transport();
    await t.open();
    const closed = new Promise<unknown>((resolve) => t.onClose(resolve));
    let paused = performance.now();
    sim.pause();
    try {
      expect(await closed).toMatchObject({ kind: 'error', code: 'bmc-unresponsive' });
      const noticed = seconds(paused);
      console.info(
        `dead BMC: closed with bmc-unresponsive ${noticed} s after SIGSTOP (bound ${boundSeconds} s)`,
      );
    } finally {
      sim.resume();
    }

    // The CLI: a capture waiting for a line the host never prints ends, saying why.
    await sim.restart();
    const out = tmp();
    const args = [
      '--wait-for',
      'never printed',
      '--reconnect',
      '0',
      '--keys',
      'none',
      '--progress',
      '--out',
      out,
    ];
    const run = startCli(['capture', ...ipmi('-C', '3'), ...args], { env: env() });
    await run.waitForOutput(/connected to ipmi/);
    paused = performance.now();
    sim.pause();
    try {
      const result = await run.done;
      const exited = seconds(paused);
      expect(result.code, result.stderr).toBe(EXIT['bmc-unresponsive']);
      expect(result.stderr).toContain('the BMC is not answering');
      expect(readOut(out).markers.some((m) => m.includes('the BMC is not answering'))).toBe(true);
      console.info(`dead BMC: capture exited ${exited} s after SIGSTOP (bound ${boundSeconds} s)`);
    } finally {
      sim.resume();
    }
  });
});

describe('escapes and BREAK through real ipmitool and ipmi_sim, to a plain TCP serial line', () => {
  it('the escape byte reaches the line as itself, and BREAK arrives as a break (telnet IAC BRK)', async () => {
    const server = createServer();
    const line = new EventEmitter();
    let received = Buffer.alloc(0);
    server.on('connection', (socket: Socket) =>
      socket.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        line.emit('data', d);
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const serialPort = (server.address() as { port: number }).port;
    const sim = await startIpmiSim({ serialPort });
    const t = new IpmiTransport({
      host: sim.host,
      port: sim.port,
      user: sim.user,
      cipherSuite: 3,
      password: { value: sim.password },
    });
    try {
      await t.open();
      // Escape bytes at line starts, and what would be ipmitool's quit and BREAK commands.
      const bytes = Buffer.from('\x1d.\r\x1dB\r\x1d\x1d\r', 'latin1');
      const arrived = waitForData(line, bytes.toString('latin1'), 20_000);
      await t.write(bytes);
      await arrived;
      expect(received.equals(bytes)).toBe(true);
      expect(t.isOpen).toBe(true);
      // ipmi_sim turns a SOL break into telnet's IAC BRK on a tcp: serial line, and sends it out
      // with the next byte written (a break alone does not wake its writer).
      const brk = new Promise<void>((resolve) =>
        line.on('data', () => received.length >= bytes.length + 3 && resolve()),
      );
      await t.sendBreak();
      await t.write(Buffer.from('\r'));
      await brk;
      expect(received.subarray(bytes.length)).toEqual(Buffer.from([0xff, 0xf3, 0x0d]));
    } finally {
      await t.close();
      await sim.stop();
      server.close();
    }
  });
});
