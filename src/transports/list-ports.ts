// Lists serial ports for `xenkeys ports`. serialport's own list() shells out to udevadm on Linux,
// which containers and minimal hosts lack, so fall back to sysfs, then to a /dev name scan.

import { readFile, readdir, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SerialPort } from 'serialport';

export interface SerialPortEntry {
  path: string;
  description: string;
  /** Where the entry came from: serialport (udev), sysfs, or a /dev name scan. */
  source: 'serialport' | 'sysfs' | 'dev';
}

const DEV_NAME = /^tty(S|USB|ACM)\d+$/;

export async function listSerialPorts(): Promise<SerialPortEntry[]> {
  for (const lister of [fromSerialport, fromSysfs, fromDev]) {
    const ports = await lister().catch(() => []);
    if (ports.length > 0) return ports.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  }
  return [];
}

async function fromSerialport(): Promise<SerialPortEntry[]> {
  const ports = await SerialPort.list();
  const real = await filterAsync(ports, (p) => hasUart(basename(p.path)));
  return real.map((p) => {
    const bits = [p.manufacturer, p.serialNumber && `serial ${p.serialNumber}`, p.pnpId].filter(Boolean);
    return { path: p.path, description: bits.join(', ') || basename(p.path), source: 'serialport' as const };
  });
}

/** /sys/class/tty entries with a `device` link are real hardware; the rest are virtual consoles. */
async function fromSysfs(): Promise<SerialPortEntry[]> {
  const byId = await byIdNames();
  const entries: SerialPortEntry[] = [];
  for (const name of await readdir('/sys/class/tty')) {
    const base = `/sys/class/tty/${name}`;
    const device = await realpath(`${base}/device`).catch(() => undefined);
    if (!device) continue;
    if (!(await hasUart(name))) continue;
    const driver = await driverOf(device);
    const path = `/dev/${name}`;
    const links = byId.get(path) ?? [];
    const description = [name, driver && `(${driver})`, ...links].filter(Boolean).join(' ');
    entries.push({ path, description, source: 'sysfs' });
  }
  return entries;
}

/**
 * Since Linux 6.5 a UART's `device` is a serial-base "port" under a "ctrl" node; the driver worth
 * naming (serial, 8250_pci, ftdi_sio…) sits on an ancestor, so climb past serial-base.
 */
async function driverOf(device: string): Promise<string | undefined> {
  let dir = device;
  for (let depth = 0; depth < 4 && dir !== '/sys/devices'; depth++, dir = dirname(dir)) {
    const subsystem = await readlink(join(dir, 'subsystem')).catch(() => undefined);
    if (subsystem && basename(subsystem) === 'serial-base') continue;
    const driver = await readlink(join(dir, 'driver')).catch(() => undefined);
    if (driver) return basename(driver);
  }
  return undefined;
}

/** /dev/serial/by-id names (stable across replugs) keyed by the device they point to. */
async function byIdNames(): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  const dir = '/dev/serial/by-id';
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const target = await realpath(join(dir, name)).catch(() => undefined);
    if (!target) continue;
    map.set(target, [...(map.get(target) ?? []), join(dir, name)]);
  }
  return map;
}

async function fromDev(): Promise<SerialPortEntry[]> {
  const names = await filterAsync(
    (await readdir('/dev')).filter((n) => DEV_NAME.test(n)),
    hasUart,
  );
  return names.map((n) => ({ path: `/dev/${n}`, description: n, source: 'dev' as const }));
}

/** serial8250 registers ttyS0–ttyS31 whether or not a UART answers; sysfs `type` 0 means none did. */
async function hasUart(name: string): Promise<boolean> {
  const type = (await readFile(`/sys/class/tty/${name}/type`, 'utf8').catch(() => '')).trim();
  return type !== '0';
}

async function filterAsync<T>(items: T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map(keep));
  return items.filter((_, i) => verdicts[i]);
}
