import { describe, expect, it } from 'vitest';
import { isXenkeysError } from '../../src/core/errors.js';
import { captureKey, captureKeys } from '../../src/console/key-runner.js';
import { restoreInput } from '../../src/console/switcher.js';
import { parseMarker } from '../../src/record/markers.js';
import type { SessionEvent } from '../../src/core/session-event.js';
import { simConsole } from '../helpers/sim-console.js';

const fast = { timing: { quietMs: 60, firstOutputMs: 500, capMs: 5_000 } };

describe('key capture', () => {
  it('attributes each key its own output and learns the handler list from h', async () => {
    const { console } = await simConsole();
    const captures = await captureKeys(console, ['h', 'q', 'r', 'd'], fast);
    expect(captures.map((c) => c.key)).toEqual(['h', 'q', 'r', 'd']);
    expect(captures[0]!.text).toContain("key 'q' (ascii '71') => dump domain");
    expect(captures[1]!.text).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
    expect(captures[1]!.text).not.toContain('sched_smt');
    expect(captures[2]!.text).toContain('sched_smt_power_savings');
    expect(captures[3]!.text).toContain('Dumping CPU0');
    expect(captures.every((c) => c.endReason === 'quiet')).toBe(true);
    expect(console.catalog.known).toBe(true);
    expect(captures[1]!.description).toBe('dump domain (and guest debug) info');
  });

  it('marks the start and end of each key in the session stream', async () => {
    const { console } = await simConsole();
    const markers: string[] = [];
    console.onEvent((e: SessionEvent) => e.type === 'marker' && markers.push(e.label));
    await captureKey(console, 'q', fast);
    await restoreInput(console);
    expect(markers.map((l) => parseMarker(l).type)).toEqual([
      'switch-request',
      'input',
      'key-start',
      'key-end',
      'switch-request',
      'input',
    ]);
  });

  it('reports a key that prints nothing', async () => {
    const { console } = await simConsole();
    const capture = await captureKey(console, 'z', {
      timing: { quietMs: 50, firstOutputMs: 100, capMs: 1_000 },
    });
    expect(capture).toMatchObject({ endReason: 'no-output', lines: 0, bytes: 0 });
  });

  it('refuses dangerous keys unless allowed, judged by the host list', async () => {
    const { console, sim } = await simConsole();
    const refused = await captureKey(console, 'R', fast).catch((e: unknown) => e);
    expect(isXenkeysError(refused, 'dangerous-key')).toBe(true);
    expect(sim.ran).toEqual([]);
    await captureKey(console, 'h', fast);
    // NMI statistics on this host, but `n` triggers an NMI on older Xen: the host list cannot clear it.
    const n = await captureKey(console, 'n', fast).catch((e: unknown) => e);
    expect(isXenkeysError(n, 'dangerous-key')).toBe(true);
    await captureKey(console, 'q', fast);
    expect(sim.ran).toEqual(['h', 'q']);
    const rebooted = await captureKey(console, 'R', { ...fast, allowDangerous: true });
    expect(rebooted.text).toContain('rebooting machine');
  });

  it('warns about keys missing from the host list', async () => {
    const { console } = await simConsole();
    const warnings: string[] = [];
    await captureKeys(
      console,
      ['h', 'V'],
      { timing: { quietMs: 50, firstOutputMs: 100, capMs: 1_000 } },
      { onWarning: (w) => warnings.push(w) },
    );
    expect(warnings).toEqual([expect.stringContaining("key 'V' is not in this host's handler list")]);
  });

  it('stops at an abort, keeps what it has, and input can still be returned', async () => {
    const { console, sim } = await simConsole();
    const abort = new AbortController();
    const pending = captureKeys(
      console,
      ['q', 'r', 'd'],
      { ...fast, signal: abort.signal },
      {
        onKeyStart: (key) => key === 'r' && abort.abort(new Error('interrupted by SIGINT')),
      },
    );
    const captures = await pending;
    expect(captures.map((c) => [c.key, c.endReason])).toEqual([
      ['q', 'quiet'],
      ['r', 'interrupted'],
    ]);
    await restoreInput(console);
    expect(sim.inputTarget).toBe('dom0');
  });
});

describe('the simulated Xen follows Xen rules', () => {
  it('keeps one pending key: a second key sent too early replaces the first', async () => {
    const { console, sim } = await simConsole();
    await captureKey(console, 'h', fast);
    await console.send(Buffer.from('q'), 'keyboard');
    await console.send(Buffer.from('r'), 'keyboard');
    await console.waitForLine((l) => l.text.includes('NOW='), { timeoutMs: 1000, what: 'r output' });
    expect(sim.ran).toEqual(['h', 'r']);
  });

  it('replays held switch bytes to dom0 when another byte follows', async () => {
    const { console, sim } = await simConsole();
    await console.send(new Uint8Array([1, 1]), 'keyboard');
    await console.send(Buffer.from('x'), 'keyboard');
    expect(sim.inputTarget).toBe('dom0');
    expect(console.input.heldSwitchBytes).toBe(0);
  });
});
