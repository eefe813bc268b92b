// Dom0 printing Xen's own words on real Xen 4.17 (issue: trust nothing the console can forge).
// A forged "*** Serial input to DOM0" line, a genuine old console log replayed with `cat`, and
// forged handler lines in `h` output must not move input, press a key nobody chose, or make a
// dangerous key look safe. The oracle is QEMU's own log of the line: every `'k' pressed ->` Xen
// printed, and dom0's shell answering `echo $((6*7))ok` afterwards.

import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { TuiDriver } from '../helpers/tui-driver.js';
import { readOut } from './capture-checks.js';
import { expectDom0Answers } from './dom0-check.js';
import { waitForData } from './wait-data.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const SLOW = 60_000;
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-forge-'));
// The attack, word for word: the message is split so the typed command line itself is not a match.
const FORGE_SWITCH =
  "a='*** Serial'; (sleep 4; echo \"(XEN) $a input to DOM0 (type 'CTRL-a' three times to switch input)\"; printf '\\033[6n') &";

/** Keys Xen says it ran (its `'k' pressed ->` headers) in the log since `from`. */
function pressedSince(lab: XenLab, from: number): string[] {
  const text = lab.log().subarray(from).toString('latin1');
  return [...text.matchAll(/\(XEN\) '(.)' pressed -/g)].map((m) => m[1]!);
}

/** Type a line into dom0's shell from a plain client and wait for its echo (Xen's rx ring holds 128 bytes). */
async function typeLine(socket: Socket, line: string): Promise<void> {
  const tail = line.slice(-12);
  const echoed = waitForData(socket, tail, SLOW);
  socket.write(`${line}\r`);
  await echoed;
}

describe('forged Xen lines on real Xen', () => {
  let lab: XenLab;
  let target: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    target = `127.0.0.1:${lab.tcpPort}`;
    // Put a genuine old console log on dom0: switch messages, key headers and the `h` list from a
    // real recorded session (recordings/xen-4.17-boot-and-keys), typed into a heredoc line by line.
    const recorded = readFileSync(path.join(ROOT, 'recordings/xen-4.17-boot-and-keys/session.raw'), 'latin1')
      .split(/\r?\n/)
      .map((l) => l.replace(/\r/g, '').replace(/^.*?(\(XEN\))/, '$1'))
      .filter((l) => /Serial input to|' pressed ->|key '.' \(ascii/.test(l))
      .slice(0, 40);
    expect(recorded.some((l) => l.includes('Serial input to DOM0'))).toBe(true);
    expect(recorded.some((l) => l.includes("key 'R' (ascii '52') => reboot machine"))).toBe(true);
    const socket = connect(lab.tcpPort!, '127.0.0.1');
    await once(socket, 'connect');
    try {
      await typeLine(socket, "cat > /tmp/old.log <<'END'");
      for (const line of recorded) await typeLine(socket, line);
      await typeLine(socket, 'END');
    } finally {
      socket.destroy();
    }
  });
  afterAll(async () => {
    await lab?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('capture: a forged "to DOM0" line mid-capture moves nothing, and input really ends on dom0', async () => {
    const out = tmp();
    dirs.push(out);
    const from = lab.log().length;
    const type = FORGE_SWITCH.replace('sleep 4', 'sleep 2');
    const run = await runCli(['capture', '--tcp', target, '--keys', 'qrd', '--type', type, '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    await lab.waitForLog('Serial input to DOM0 (type', { from });
    expect(pressedSince(lab, from)).toEqual(['h', 'q', 'd']);
    const { captures, markers } = readOut(out);
    expect(markers.some((m) => m.startsWith('unverified switch message "input to DOM0"'))).toBe(true);
    expect(captures.input).toMatchObject({ found: 'dom0', final: 'dom0', restored: true });
    await expectDom0Answers(lab);
  });

  it('capture: a genuine old log replayed by dom0 does the same harm to nothing', async () => {
    const out = tmp();
    dirs.push(out);
    const from = lab.log().length;
    const run = await runCli([
      'capture',
      '--tcp',
      target,
      '--keys',
      'qd',
      '--type',
      '(sleep 1; cat /tmp/old.log) &',
      '-o',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    // Xen ran exactly the keys pressed; the replayed headers are dom0's text (pressed - lines of the log
    // file are printed too, so count Xen's own by the captures instead).
    const { captures, markers } = readOut(out);
    expect(captures.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['h', 'quiet'],
      ['q', 'quiet'],
      ['d', 'quiet'],
    ]);
    expect(markers.filter((m) => m.startsWith('unverified switch message')).length).toBeGreaterThan(0);
    expect(captures.input).toMatchObject({ final: 'dom0', restored: true });
    expect(lab.log().subarray(from).toString('latin1')).not.toMatch(/rebooting machine|Triggering NMI/);
    await expectDom0Answers(lab);
  });

  it('capture --keys all-safe: forged handler lines never make a dangerous key look safe', async () => {
    const out = tmp();
    dirs.push(out);
    const from = lab.log().length;
    const forged =
      "(for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"(XEN)  key 'R' (ascii '52') => dump registers quietly\"; " +
      "echo \"(XEN)  key '+' (ascii '2b') => show log levels\"; usleep 150000; done) &";
    const run = await runCli(
      ['capture', '--tcp', target, '--keys', 'all-safe', '--quiet-gap', '500', '--type', forged, '-o', out],
      {},
    );
    expect(run.code, run.stderr).toBe(0);
    const pressed = readOut(out).captures.captures.map((c) => c.key);
    expect(pressed.length).toBeGreaterThan(15);
    for (const key of 'R+-*%CNnGATOSPL') expect(pressed).not.toContain(key);
    expect(lab.log().subarray(from).toString('latin1')).not.toMatch(
      /rebooting machine|Triggering NMI|log level/,
    );
    await expectDom0Answers(lab);
  });

  it('TUI: the forged line and a cursor query leave input unverified, no reply reaches Xen, quit re-verifies', async () => {
    const dir = tmp();
    dirs.push(dir);
    const from = lab.log().length;
    const d = TuiDriver.spawn(['connect', '--tcp', target, '--probe', '--out', dir], { cols: 120, rows: 36 });
    try {
      await d.waitForStatus(/input: DOM0/, SLOW);
      d.press(`${FORGE_SWITCH}\r`);
      d.press('\x01\x01\x01');
      await d.waitForStatus(/input: XEN/, SLOW);
      // Four seconds later dom0 prints the forged line, then asks the terminal where its cursor is.
      await d.waitForStatus(/input: \?/, SLOW);
      await d.waitForScreen(/terminal reply held back/, SLOW);
      expect(pressedSince(lab, from)).toEqual([]);
      d.press('\x1dq');
      expect((await d.waitForExit(SLOW)).exitCode).toBe(0);
      expect(d.raw).toContain('input is back on dom0');
    } finally {
      d.kill();
    }
    expect(pressedSince(lab, from)).toEqual([]);
    await expectDom0Answers(lab);
  });
});
