// Finds who is holding a serial device, so "port busy" can say "held by minicom (pid 1234)".
// Linux only, best effort, never throws: /proc/locks (flock/fcntl locks, the real arbiter for
// serialport's `lock: true`), UUCP lock files (/var/lock/LCK..ttyUSB0), then /proc/*/fd.

import { readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';

export interface PortHolder {
  pid: number;
  /** Short process name, from /proc/PID/comm (or argv[0] when comm is unreadable). */
  name: string;
  /** The holder's full command line, space-joined and truncated; undefined when unreadable. */
  cmdline: string | undefined;
  /** How we know: a kernel lock on the device, a UUCP lock file, or merely an open descriptor. */
  via: 'lock' | 'lockfile' | 'open-fd';
}

const LOCK_DIRS = ['/var/lock', '/run/lock'];
const CMDLINE_MAX = 120;

/** "held by minicom (pid 1234)". */
export function describeHolder(holder: PortHolder): string {
  return `held by ${holder.name} (pid ${holder.pid})`;
}

/**
 * Someone holding the device exclusively: a kernel lock (what serialport's flock collides with)
 * or a UUCP lock file naming a live process (minicom and friends). Plain open descriptors do not
 * count here: socat, gettys and the like keep ttys open without claiming them.
 */
export async function findExclusiveHolder(devicePath: string): Promise<PortHolder | undefined> {
  return (await findKernelLockHolder(devicePath)) ?? (await findLockFileHolder(devicePath));
}

/** The best guess at who holds the device, for naming in an error message. */
export async function findPortHolder(devicePath: string): Promise<PortHolder | undefined> {
  const exclusive = await findExclusiveHolder(devicePath);
  if (exclusive) return exclusive;
  // Our own descriptors are the failed attempt or another transport; the other one is the news.
  const others = (await findOpenFdHolders(devicePath)).filter((h) => h.pid !== process.pid);
  return others[0];
}

/** /proc/locks lines look like `1: FLOCK  ADVISORY  WRITE 7236 00:1a:3 0 EOF` (maj:min hex, inode). */
export async function findKernelLockHolder(devicePath: string): Promise<PortHolder | undefined> {
  let key: string;
  let locks: string;
  try {
    const st = await stat(devicePath, { bigint: true });
    key = `${devMajor(st.dev).toString(16).padStart(2, '0')}:${devMinor(st.dev).toString(16).padStart(2, '0')}:${st.ino}`;
    locks = await readFile('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of locks.split('\n')) {
    // Blocked waiters are listed as "1: -> FLOCK ..."; only the owner counts.
    const m = /^\d+:\s+(FLOCK|POSIX|OFDLCK)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+:[0-9a-f]+:\d+)\s/i.exec(line);
    if (!m || m[3]?.toLowerCase() !== key) continue;
    const pid = Number(m[2]);
    // OFD locks report pid -1; a dead pid means the lock was inherited by a child: look further.
    if (pid > 0 && (await isAlive(pid))) return describePid(pid, 'lock');
  }
  return undefined;
}

/** UUCP lock files hold the owner's pid as ASCII (or, HDB-style, a 4-byte int). */
export async function findLockFileHolder(
  devicePath: string,
  lockDirs: readonly string[] = LOCK_DIRS,
): Promise<PortHolder | undefined> {
  const names = new Set([basename(devicePath)]);
  try {
    const real = await realpath(devicePath);
    names.add(basename(real));
    // Some tools name pty locks after the path below /dev: LCK..pts_3.
    names.add(real.replace(/^\/dev\//, '').replaceAll('/', '_'));
  } catch {
    // The device may be gone; the given name is still worth a look.
  }
  for (const dir of lockDirs) {
    for (const name of names) {
      let content: Buffer;
      try {
        content = await readFile(`${dir}/LCK..${name}`);
      } catch {
        continue;
      }
      const text = content.toString('latin1').trim();
      const pid = /^\d+$/.test(text) ? Number(text) : content.length === 4 ? content.readInt32LE(0) : NaN;
      if (Number.isInteger(pid) && pid > 0 && (await isAlive(pid))) return describePid(pid, 'lockfile');
    }
  }
  return undefined;
}

/** Every process with the device open, by scanning /proc/PID/fd links (only our user's are readable). */
export async function findOpenFdHolders(devicePath: string): Promise<PortHolder[]> {
  let target: string;
  let pids: string[];
  try {
    target = await realpath(devicePath);
    pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const holders: PortHolder[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => undefined);
      if (link === target) {
        holders.push(await describePid(Number(pid), 'open-fd'));
        break;
      }
    }
  }
  return holders;
}

async function describePid(pid: number, via: PortHolder['via']): Promise<PortHolder> {
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const argv = raw.split('\0').filter((arg) => arg !== '');
  let cmdline: string | undefined = argv.join(' ');
  if (cmdline === '') cmdline = undefined;
  else if (cmdline.length > CMDLINE_MAX) cmdline = `${cmdline.slice(0, CMDLINE_MAX - 1)}…`;
  const name = comm || (argv[0] ? basename(argv[0]) : 'unknown process');
  return { pid, name, cmdline, via };
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    await stat(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

// glibc's dev_t layout (see gnu_dev_major/minor): 12 bits of major, 20 of minor, split up.
function devMajor(dev: bigint): bigint {
  return ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
}

function devMinor(dev: bigint): bigint {
  return (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
}
