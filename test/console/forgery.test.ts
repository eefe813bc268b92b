// Dom0 can print anything, including lines identical to Xen's. These tests forge them on the
// simulated Xen (real input rules) and check that only causality moves the input target.

import { describe, expect, it } from 'vitest';
import { captureKey, captureKeys } from '../../src/console/key-runner.js';
import { allSafeKeys } from '../../src/console/presets.js';
import { restoreInput, switchTo } from '../../src/console/switcher.js';
import type { SessionEvent } from '../../src/core/session-event.js';
import { simConsole } from '../helpers/sim-console.js';

const TO_DOM0 = "(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)\r\n";
const TO_XEN = "(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)\r\n";
const fast = { timing: { quietMs: 50, firstOutputMs: 300, capMs: 5_000 } };

/** Resolve once a line containing `text` has gone by. */
function lineSeen(
  console: Awaited<ReturnType<typeof simConsole>>['console'],
  text: string,
): Promise<unknown> {
  return console.waitForLine((l) => l.text.includes(text), { timeoutMs: 5_000, what: text });
}

describe('a forged switch message', () => {
  it('makes a verified Xen target unverified, holds terminal replies, and quitting re-verifies', async () => {
    const { console, sim } = await simConsole();
    const markers: string[] = [];
    console.onEvent((e: SessionEvent) => e.type === 'marker' && markers.push(e.label));
    await switchTo(console, 'xen');
    expect(console.input.target).toBe('xen');

    // The attack: dom0 prints Xen's "to DOM0" line, then a cursor-position query.
    const seen = lineSeen(console, 'Serial input to DOM0');
    sim.dom0Print(TO_DOM0 + '\x1b[6n');
    await seen;
    expect(console.input.target).toBe('unknown');
    expect(console.input.unverified).toMatch(/unverified switch message "input to DOM0"/);
    expect(markers.some((m) => m.startsWith('unverified switch message'))).toBe(true);

    // What a terminal emulator answers ("ESC [ 24 ; 80 R": R reboots at Xen) never reaches the wire.
    const reply = await console.send(Buffer.from('\x1b[24;80R'), 'terminal-reply');
    expect(reply.allowed).toHaveLength(0);
    expect(markers.some((m) => m.startsWith('terminal reply held'))).toBe(true);
    // Nor does a byte Xen would read as another key (bit 7 stripped: 0xD2 is R), nor a debug key.
    expect((await console.send(new Uint8Array([0xd2]), 'keyboard')).allowed).toHaveLength(0);
    expect((await console.send(Buffer.from('q'), 'debug-key', new Set(['q']))).allowed).toHaveLength(0);
    expect(sim.ran).toEqual([]);

    // Quitting re-verifies: the truth was Xen, and input really ends on dom0.
    await restoreInput(console, { settleMs: 50 });
    expect(sim.inputTarget).toBe('dom0');
    expect(console.input.target).toBe('dom0');
    expect(sim.ran).toEqual([]);
  });

  it('is not believed even when it lands just before Xen’s own answer', async () => {
    const { console, sim } = await simConsole();
    await switchTo(console, 'xen', { settleMs: 50 });
    // Input is at Xen. dom0 prints "to Xen" just as we switch back: two answers for one switch.
    sim.dom0Print(TO_XEN);
    await restoreInput(console, { settleMs: 50 });
    expect(sim.inputTarget).toBe('dom0');
    expect(console.input.target).toBe('dom0');
  });

  it('a genuine old log replayed by dom0 does no harm during a capture', async () => {
    const { console, sim } = await simConsole();
    await captureKey(console, 'h', fast);
    await switchTo(console, 'dom0');
    // `cat` of an old session.raw at the prompt: real switch messages and key headers, not ours.
    const replayed = lineSeen(console, 'Serial input to DOM0');
    sim.dom0Print(`${TO_XEN}(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n${TO_DOM0}`);
    await replayed;
    expect(console.input.target).toBe('unknown');
    const q = await captureKey(console, 'q', { ...fast, settleMs: 50 });
    expect(q.endReason).toBe('quiet');
    await restoreInput(console, { settleMs: 50 });
    expect(sim.ran).toEqual(['h', 'q']);
    expect(sim.inputTarget).toBe('dom0');
  });
});

describe('forged handler lines', () => {
  it('never make all-safe press a dangerous key, even inside the h capture', async () => {
    const { console, sim } = await simConsole();
    // dom0 slips harmless-looking descriptions of R and + into the h output.
    const h = captureKey(console, 'h', fast);
    await lineSeen(console, 'showing installed handlers');
    sim.dom0Print(
      "(XEN)  key 'R' (ascii '52') => dump registers quietly\r\n(XEN)  key '+' (ascii '2b') => show levels\r\n",
    );
    await h;
    const keys = allSafeKeys(console.catalog);
    expect(keys).not.toContain('R');
    expect(keys).not.toContain('+');
    expect(keys).not.toContain('n');
    await captureKeys(
      console,
      keys.filter((k) => k !== 'h'),
      fast,
    );
    expect(sim.ran.filter((k) => 'R+*nN'.includes(k))).toEqual([]);
    await restoreInput(console);
    expect(sim.inputTarget).toBe('dom0');
  });

  it('are not learnt from text nobody asked for (an old `h` listing printed by dom0)', async () => {
    const { console, sim } = await simConsole();
    sim.dom0Print(
      "(XEN) 'h' pressed -> showing installed handlers\r\n(XEN)  key 'Z' (ascii '5a') => zap\r\nok\r\n",
    );
    await lineSeen(console, 'ok');
    expect(console.catalog.known).toBe(false);
  });
});
