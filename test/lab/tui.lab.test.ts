// The TUI on real Xen 4.17 over QEMU's TCP serial: the status line learns the input target from
// Xen's own message after three Ctrl-A presses, the key menu captures `q` into the side panel,
// and quitting puts input back on dom0 — checked by typing into dom0's shell from a fresh client.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TuiDriver } from '../helpers/tui-driver.js';
import { waitForData } from './wait-data.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const SLOW = 60_000; // TCG Xen: a switch or a key can take seconds on busy cores

describe('the TUI on real Xen over TCP', () => {
  let lab: XenLab;
  let driver: TuiDriver | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'xenkeys-tui-lab-'));

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    console.info(`xen lab (tcp) booted in ${lab.bootSeconds} s; log ${lab.logPath}`);
  });

  afterAll(async () => {
    driver?.kill();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says DOM0, switches to Xen, shows the parsed domains of q, and quits back to dom0', async () => {
    // --probe asks Xen where input goes at connect (one switch and back) instead of showing `?`.
    const d = (driver = TuiDriver.spawn(
      ['connect', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--probe', '--out', dir],
      {
        cols: 120,
        rows: 36,
      },
    ));
    await d.waitForStatus(/input: DOM0 .*tcp 127\.0\.0\.1/, SLOW);
    for (let i = 0; i < 3; i++) d.press('\x01');
    await d.waitForStatus(/input: XEN/, SLOW);
    await d.waitForScreen(/\*\*\* Serial input to Xen \(type 'CTRL-a' three times to switch input\)/, SLOW);

    d.press('\x1dk');
    await d.waitForScreen(/debug keys/, SLOW);
    d.press('q');
    const screen = await d.waitForScreen(/side panel[\s\S]*key q: dump domain[\s\S]*ended +quiet/, SLOW);
    expect(screen).toMatch(/General information for domain 0/);
    expect(screen).toMatch(/domains \(1; vCPU→pCPU, \* running\)/);
    expect(screen).toMatch(/d0 +196608 pages +v0→\d/);
    expect(d.statusLine()).toMatch(/input: XEN/);

    const from = lab.log().length;
    d.press('\x1dq');
    expect((await d.waitForExit(SLOW)).exitCode).toBe(0);
    expect(d.raw).toContain('input is back on dom0');
    await lab.waitForLog('*** Serial input to DOM0', { from });

    // A fresh client types into dom0's shell: input really is back where it was found.
    const socket = connect(lab.tcpPort!, '127.0.0.1');
    await once(socket, 'connect');
    try {
      const seen = waitForData(socket, '42ok', SLOW);
      socket.write('echo $((6*7))ok\r');
      expect((await seen).toString('latin1')).toContain('42ok');
    } finally {
      socket.destroy();
    }
  });

  it("sends dom0 SysRq through the hvc console's Ctrl-O from the BREAK menu", async () => {
    const d = (driver = TuiDriver.spawn(
      ['connect', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--out', join(dir, 'sysrq')],
      {
        cols: 120,
        rows: 36,
      },
    ));
    await d.waitForStatus(/input: (\?|DOM0)/, SLOW);
    d.press('\x01\x01\x01');
    await d.waitForStatus(/input: XEN/, SLOW);
    d.press('\x01\x01\x01');
    await d.waitForStatus(/input: DOM0/, SLOW);
    d.press('\x1db');
    await d.waitForScreen(/hvc console reads Ctrl-O then a key as SysRq[\s\S]*SysRq h: help/, SLOW);
    d.press('h');
    // dom0's kernel answers on its console, which Xen relays to the serial line.
    await d.waitForScreen(/sysrq: HELP/i, SLOW);
    d.press('\x1dq');
    expect((await d.waitForExit(SLOW)).exitCode).toBe(0);
  });
});
