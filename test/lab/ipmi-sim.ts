// A real BMC for the lab: OpenIPMI's ipmi_sim with one LAN channel on loopback and its SOL bridged
// to QEMU's serial socket (ipmi_sim connects once at start-up and stays QEMU's one client). Started
// and always stopped by the tests; it never outlives them (the same stdin-pipe guard as xen-lab.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeBmc } from '../../src/transports/ipmi/ipmi-probe.js';

export interface IpmiSimOptions {
  /** QEMU's serial socket (lab.tcpPort): where SOL goes. */
  serialPort: number;
  user?: string;
  password?: string;
}

export interface IpmiSim {
  host: '127.0.0.1';
  /** The BMC's UDP port. */
  port: number;
  user: string;
  password: string;
  /** ipmi_sim's own pid (SIGSTOP it to play a hung BMC). */
  readonly pid: number;
  /** A hung BMC: ipmi_sim stops answering anything (SIGSTOP); resume() undoes it. */
  pause(): void;
  resume(): void;
  /**
   * Stop and start again on the same port: a BMC with no SOL state left over. Needed because
   * ipmi_sim 2.0.33 (lanserv/sol.c) keeps the last SOL sequence number it acked across sessions and
   * drops a new session's first packet as a "retransmit" when the numbers collide. (It also turns
   * a BREAK into telnet IAC BRK on a tcp: line, written out only with the next data byte.)
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

// ipmi_sim runs under this guard: it reads its stdin (a pipe from the test process) and kills
// ipmi_sim at EOF, which comes however the test process dies. It prints ipmi_sim's pid first.
const GUARD = `
"$@" </dev/null &
q=$!
echo "$q"
trap 'kill -CONT "$q" 2>/dev/null; kill -TERM "$q" 2>/dev/null' TERM INT HUP
{ while read -r _; do :; done; kill -CONT "$q" 2>/dev/null; kill -KILL "$q" 2>/dev/null; } <&0 &
w=$!
wait "$q"; rc=$?
while kill -0 "$q" 2>/dev/null; do wait "$q"; rc=$?; done
kill "$w" 2>/dev/null
exit "$rc"
`;

const live = new Set<ChildProcess>();
process.on('exit', () => live.forEach((guard) => guard.kill('SIGKILL')));

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function writeConfig(dir: string, port: number, o: Required<IpmiSimOptions>): { conf: string; cmds: string } {
  const conf = join(dir, 'lan.conf');
  const cmds = join(dir, 'cmds');
  writeFileSync(
    conf,
    [
      'name "xenkeys-lab"',
      'set_working_mc 0x20',
      '  startlan 1',
      `    addr 127.0.0.1 ${port}`,
      '    priv_limit admin',
      '    allowed_auths_callback none md2 md5 straight',
      '    allowed_auths_user none md2 md5 straight',
      '    allowed_auths_operator none md2 md5 straight',
      '    allowed_auths_admin none md2 md5 straight',
      '    guid a123456789abcdefa123456789abcdef',
      '  endlan',
      `  sol "tcp:127.0.0.1:${o.serialPort}" 115200`,
      `  user 2 true "${o.user}" "${o.password}" admin 10 none md2 md5 straight`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    cmds,
    [
      'mc_setbmc 0x20',
      'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
      'mc_enable 0x20',
      '',
    ].join('\n'),
  );
  return { conf, cmds };
}

export async function startIpmiSim(options: IpmiSimOptions): Promise<IpmiSim> {
  const o = { user: 'xkadmin', password: 'lab-Secret-7f3e', ...options };
  const dir = mkdtempSync(join(tmpdir(), 'xenkeys-ipmisim-'));
  const state = join(dir, 'state');
  mkdirSync(state);
  const port = await freeUdpPort();
  const { conf, cmds } = writeConfig(dir, port, o);

  let guard: ChildProcess | undefined;
  let pid = 0;
  let said = '';
  const start = async (): Promise<void> => {
    const child = spawn(
      'bash',
      ['-c', GUARD, 'xenkeys-ipmisim-guard', 'ipmi_sim', '-c', conf, '-f', cmds, '-s', state, '-n'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    guard = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    child.stderr!.on('data', (d: Buffer) => (said = (said + d.toString()).slice(-4000)));
    pid = await new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', (code) => reject(new Error(`ipmi_sim exited at once (${code}): ${said}`)));
      child.once('error', reject);
    });
    // Ready when it answers on its LAN channel (it connects to the serial socket before that).
    const ready = await probeBmc('127.0.0.1', port, { attempts: 50, intervalMs: 200 });
    if (ready !== 'alive') throw new Error(`ipmi_sim did not answer on 127.0.0.1:${port}: ${said}`);
  };
  const stop = async (): Promise<void> => {
    const child = guard;
    guard = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM'); // the guard resumes ipmi_sim if paused, then ends it
    const hard = setTimeout(() => child.stdin!.end(), 5_000); // EOF: the guard kills it
    await gone;
    clearTimeout(hard);
  };

  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user: o.user,
    password: o.password,
    get pid() {
      return pid;
    },
    pause: () => process.kill(pid, 'SIGSTOP'),
    resume: () => process.kill(pid, 'SIGCONT'),
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}
