// Boots real Xen 4.17 (Debian's build) with a busybox dom0 under QEMU, for the `lab` vitest project.
// The serial chardev's logfile records every byte the guest sends, client or not: boot is done when
// it shows the dom0 prompt, and tests compare what a client saw against it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootFiles, labDebugXen, type BootFiles } from './boot-files.js';
import { GrowingLog, type LogMatch, type WaitOptions } from './growing-log.js';

export type { LogMatch, WaitOptions };
export { labDebugXen, labXenSyms } from './boot-files.js';

export interface XenLabOptions {
  serial: 'tcp' | 'pty';
  /** Host CPUs; Xen's console ring grows with them (lab-facts.md). Default 2. */
  smp?: number;
  /** Guest RAM in MiB; dom0 gets 768 MiB of it (512 with `guests`). Default 1536 (2048 with `guests`). */
  memoryMiB?: number;
  /** Appended to Xen's command line (later options win), e.g. ['conswitch=x', 'conring_size=16k']. */
  xenArgs?: string[];
  /** Appended to dom0's kernel command line, e.g. ['panic=300']. */
  dom0Args?: string[];
  /** Appended to QEMU's arguments, e.g. an IPMI BMC device. */
  qemuArgs?: string[];
  /** Boot to the dom0 prompt; 20–30 s idle here, up to ~160 s on busy cores. Default 300 s. */
  bootTimeoutMs?: number;
  /**
   * The guest lab: dom0 runs Debian's Xen toolstack (xl, xenstored, xenconsoled) and can start
   * guests with `lab-guests` (initramfs/lab-guests). Slower to boot; memory defaults to 2048 MiB,
   * dom0 gets 512 MiB of it, and the rest is for guests (96 MiB each).
   */
  guests?: boolean;
  /**
   * With `guests`: give dom0 a NIC (QEMU's e1000, user networking, nothing reachable but a loopback
   * port forwarded to dom0's dropbear) for SSH as root with the lab's key (`sshPort`, `sshKey`).
   */
  ssh?: boolean;
  /**
   * 'debug-info': boot the Xen built from Debian's source with line tables (provision.sh --debug-xen)
   * instead of Debian's binary. Default 'debian'.
   */
  xen?: 'debian' | 'debug-info';
}

export interface XenLab {
  /** Loopback port of QEMU's serial socket (serial: 'tcp'); one client at a time, reconnects welcome. */
  tcpPort?: number;
  /** The pty QEMU's serial is on (serial: 'pty'). */
  ptyPath?: string;
  /** `ssh`: the loopback port forwarded to dom0's sshd, and the private key root accepts. */
  sshPort?: number;
  sshKey?: string;
  /** Every byte the guest sent on its serial line since power-on. Kept after stop(). */
  logPath: string;
  /** Process group of QEMU (and its guard). */
  pid: number;
  /** Seconds from starting QEMU to the dom0 prompt. */
  bootSeconds: number;
  log(): Buffer;
  waitForLog(pattern: RegExp | string, opts?: WaitOptions): Promise<LogMatch>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once QEMU is gone. Safe to call twice. */
  stop(): Promise<void>;
}

export const DOM0_READY = 'xenkeys-lab: dom0 ready';
export const DOM0_PROMPT = '/ # ';

const BASE_XEN_ARGS = ['console=com1', 'com1=115200,8n1', 'loglvl=all', 'guest_loglvl=all', 'noreboot'];
const BASE_DOM0_ARGS = ['console=hvc0', 'earlyprintk=xen'];

// QEMU runs under this bash guard, alone in a new process group. The guard's stdin is a pipe from
// this process, so it reaches EOF however we die — even SIGKILL, where no 'exit' hook runs — and
// the guard then kills QEMU. It also forwards SIGTERM and exits only once QEMU has.
const GUARD = `
"$@" </dev/null &
q=$!
trap 'kill -TERM "$q" 2>/dev/null' TERM INT HUP
{ while read -r _; do :; done; kill -KILL "$q" 2>/dev/null; } <&0 &
w=$!
wait "$q"; rc=$?
while kill -0 "$q" 2>/dev/null; do wait "$q"; rc=$?; done
kill "$w" 2>/dev/null
exit "$rc"
`;

// Groups still running; the 'exit' hook kills them so a crashed test run never leaves QEMU behind.
const live = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// QEMU option values and multiboot module lists use ',' as a separator; ',,' is a literal comma.
const escapeCommas = (value: string): string => value.replaceAll(',', ',,');

class PortTaken extends Error {}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function startXenLab(options: XenLabOptions): Promise<XenLab> {
  const provisioned = await bootFiles(options.guests ?? false);
  const files =
    options.xen === 'debug-info' ? { ...provisioned, xen: (await labDebugXen()).xen } : provisioned;
  for (const path of [files.kernel, files.initrd]) {
    // A multiboot module's path ends at the first space (the rest is its command line).
    if (/\s/.test(path)) throw new Error(`Boot file path has whitespace, which QEMU cannot pass: ${path}`);
  }
  const logPath = join(mkdtempSync(join(tmpdir(), 'xenkeys-lab-')), 'serial.log');
  // Another process may take the port between our probe and QEMU's bind: try again with a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await boot(files, options, logPath);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

async function boot(files: BootFiles, options: XenLabOptions, logPath: string): Promise<XenLab> {
  const { serial, smp = 2, bootTimeoutMs = 300_000 } = options;
  const memoryMiB = options.memoryMiB ?? (options.guests ? 2048 : 1536);
  const dom0Mem = options.guests ? '512M' : '768M';
  writeFileSync(logPath, ''); // exists before QEMU opens it, so the watch can start now
  const tcpPort = serial === 'tcp' ? await freePort() : undefined;
  if (options.ssh && !(options.guests && files.sshKey))
    throw new Error('ssh needs the guest lab provisioned with dropbear: run test/lab/provision.sh (online)');
  const sshPort = options.ssh ? await freePort() : undefined;
  // prettier-ignore
  const net = sshPort === undefined ? [] : [
    '-netdev', `user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${sshPort}-:22`, '-device', 'e1000,netdev=n0',
  ];
  const logOpt = `logfile=${escapeCommas(logPath)}`;
  const chardev =
    tcpPort === undefined
      ? `pty,id=ser0,${logOpt}`
      : `socket,id=ser0,host=127.0.0.1,port=${tcpPort},server=on,wait=off,${logOpt}`;
  const xenCmd = [...BASE_XEN_ARGS, `dom0_mem=${dom0Mem}`, ...(options.xenArgs ?? [])].join(' ');
  // xenkeys_ssh: dom0's init brings up the NIC and dropbear (initramfs/toolstack-init).
  const ssh = options.ssh ? ['xenkeys_ssh'] : [];
  const dom0Cmd = [...BASE_DOM0_ARGS, ...ssh, ...(options.dom0Args ?? [])].join(' ');
  // prettier-ignore
  const args = [
    '-smp', String(smp), '-m', String(memoryMiB), '-display', 'none', '-no-reboot', '-nodefaults',
    '-chardev', chardev, '-serial', 'chardev:ser0',
    '-kernel', files.xen, '-append', xenCmd,
    '-initrd', `${escapeCommas(`${files.kernel} ${dom0Cmd}`)},${escapeCommas(files.initrd)}`,
    ...net,
    ...(options.qemuArgs ?? []),
  ];

  const started = performance.now();
  const child = spawn('bash', ['-c', GUARD, 'xenkeys-lab-guard', files.qemu, ...args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const log = new GrowingLog(logPath);
  const pid = child.pid;
  if (pid === undefined) {
    log.close();
    throw new Error('could not start bash to run QEMU');
  }
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => live.forEach((group) => signalGroup(group, 'SIGKILL')));
  }

  // QEMU's own stdout and stderr: its errors, and (pty) the name of the pty.
  let qemuSaid = '';
  let onPty: ((path: string) => void) | undefined;
  const ptyPath = new Promise<string>((resolve) => (onPty = resolve));
  const hear = (chunk: Buffer): void => {
    qemuSaid = (qemuSaid + chunk.toString()).slice(-16_384);
    const m = /char device redirected to (\S+) \(label ser0\)/.exec(qemuSaid);
    if (m?.[1]) onPty?.(m[1]);
  };
  child.stdout.on('data', hear);
  child.stderr.on('data', hear);

  const gone = new Promise<string>((resolve) => {
    // 'close' comes after the pipes drained, so the last words of QEMU are in qemuSaid.
    child.once('close', (code, signal) => {
      live.delete(pid);
      child.stdin.destroy();
      const said = qemuSaid.trim() ? `; it said: ${qemuSaid.trim()}` : '';
      resolve(`QEMU exited (${signal ?? `code ${code}`}${said})`);
    });
    child.once('error', (error) => resolve(`QEMU could not run (${error.message})`));
  });
  let exited = false;
  let stopping: Promise<void> | undefined;
  void gone.then((reason) => {
    exited = true;
    log.end(stopping ? 'the lab was stopped' : reason);
  });

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (!exited) {
        signalGroup(pid, 'SIGTERM');
        const hard = setTimeout(() => signalGroup(pid, 'SIGKILL'), 5_000);
        await gone;
        clearTimeout(hard);
      }
      log.close('the lab was stopped');
    })());

  try {
    const deadline = started + bootTimeoutMs;
    const left = (): number => Math.max(1, Math.round(deadline - performance.now()));
    const ready = await log.waitFor(DOM0_READY, { timeoutMs: left() });
    await log.waitFor(DOM0_PROMPT, { timeoutMs: left(), from: ready.end });
    const bootSeconds = Math.round((performance.now() - started) / 100) / 10;
    // QEMU names the pty before the guest runs; the deadline only guards a changed message.
    const pty = tcpPort === undefined ? await within(ptyPath, left(), 'QEMU to name its pty') : undefined;
    return {
      ...(pty === undefined ? { tcpPort } : { ptyPath: pty }),
      ...(sshPort !== undefined && files.sshKey ? { sshPort, sshKey: files.sshKey } : {}),
      logPath,
      pid,
      bootSeconds,
      log: () => readFileSync(logPath),
      waitForLog: (pattern, opts) => log.waitFor(pattern, opts),
      stop,
    };
  } catch (error) {
    await stop();
    if (/Address already in use/.test(qemuSaid)) throw new PortTaken(qemuSaid);
    const message = error instanceof Error ? error.message : String(error);
    const hint = /timed out/.test(message) ? ' (busy cores can take minutes: raise bootTimeoutMs)' : '';
    throw new Error(`Xen did not boot to the dom0 prompt${hint}: ${message}`, { cause: error });
  }
}
