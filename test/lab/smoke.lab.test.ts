// Smoke test of the lab over QEMU's TCP serial: real Xen boots, hands input to dom0, and a client
// that connects after boot can run a command in dom0's shell.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForData } from './wait-data.js';
import { DOM0_READY, startXenLab, type XenLab } from './xen-lab.js';

describe('xen lab over TCP serial', () => {
  let lab: XenLab;
  let client: Socket | undefined;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    console.info(`xen lab (tcp) booted in ${lab.bootSeconds} s; log ${lab.logPath}`);
  });

  afterAll(async () => {
    client?.destroy();
    await lab?.stop();
  });

  it('boots Xen 4.17 and hands serial input to dom0', () => {
    const log = lab.log().toString('latin1');
    expect(log).toContain('Xen version 4.17');
    expect(log).toContain('*** Serial input to DOM0');
    expect(log).toContain(DOM0_READY);
    expect(lab.tcpPort).toBeGreaterThan(0);
    expect(lab.ptyPath).toBeUndefined();
  });

  it('runs a command typed by a client that connects after boot', async () => {
    const socket = connect(lab.tcpPort!, '127.0.0.1');
    client = socket;
    await once(socket, 'connect');
    const from = lab.log().length;
    const seen = waitForData(socket, '42ok');
    socket.write('echo $((6*7))ok\r');
    // The echoed command line reads "$((6*7))ok"; only the shell's output reads "42ok".
    expect((await seen).toString('latin1')).toContain('42ok');
    await lab.waitForLog('42ok', { from });
  });

  it('stop() ends QEMU and is safe to call twice', async () => {
    client?.destroy();
    await Promise.all([lab.stop(), lab.stop()]);
    await lab.stop();
    expect(() => process.kill(-lab.pid, 0)).toThrow(/ESRCH/);
    await expect(lab.waitForLog('never printed')).rejects.toThrow(/stopped/);
  });
});
