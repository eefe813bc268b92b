// Smoke test of the lab over a QEMU pty, opened the way xenkeys opens a local serial port.
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForData } from './wait-data.js';
import { DOM0_READY, startXenLab, type XenLab } from './xen-lab.js';

function openPort(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 115200 }, (error) =>
      error ? reject(error) : resolve(port),
    );
  });
}

describe('xen lab over a pty serial', () => {
  let lab: XenLab;
  let port: SerialPort | undefined;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'pty' });
    console.info(`xen lab (pty) booted in ${lab.bootSeconds} s; log ${lab.logPath}; pty ${lab.ptyPath}`);
  });

  afterAll(async () => {
    if (port?.isOpen) await new Promise((resolve) => port!.close(resolve));
    await lab?.stop();
  });

  it('boots Xen 4.17 and hands serial input to dom0', () => {
    const log = lab.log().toString('latin1');
    expect(log).toContain('Xen version 4.17');
    expect(log).toContain('*** Serial input to DOM0');
    expect(log).toContain(DOM0_READY);
    expect(lab.ptyPath).toMatch(/^\/dev\/pts\/\d+$/);
    expect(lab.tcpPort).toBeUndefined();
  });

  it('runs a command typed through the pty', async () => {
    port = await openPort(lab.ptyPath!);
    const from = lab.log().length;
    const seen = waitForData(port, '42ok');
    port.write('echo $((6*7))ok\r');
    // The echoed command line reads "$((6*7))ok"; only the shell's output reads "42ok".
    expect((await seen).toString('latin1')).toContain('42ok');
    await lab.waitForLog('42ok', { from });
  });
});
