import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { isXenkeysError } from '../../src/core/errors.js';
import { restoreInput, switchTo } from '../../src/console/switcher.js';
import { XenConsole } from '../../src/console/xen-console.js';
import { FakeTransport } from '../../src/transports/fake.js';
import { simConsole } from '../helpers/sim-console.js';

describe('switching input', () => {
  it('learns where input was from the first switch and returns it there', async () => {
    const { console, transport, sim } = await simConsole();
    expect(console.input.target).toBe('unknown');
    await switchTo(console, 'xen');
    expect(console.input).toMatchObject({ target: 'xen', found: 'dom0' });
    expect(sim.inputTarget).toBe('xen');
    // The triple went out as one write.
    expect(transport).toBeDefined();
    await restoreInput(console);
    expect(console.input.target).toBe('dom0');
    expect(sim.inputTarget).toBe('dom0');
  });

  it('sends the three switch bytes as one write with the configured letter', async () => {
    const fake = new FakeTransport({
      onWrite: (bytes, f) => {
        if (bytes.length === 3)
          f.emitData("(XEN) *** Serial input to Xen (type 'CTRL-x' three times to switch input)\r\n");
      },
    });
    const console = new XenConsole(fake, { clock: systemClock, conswitch: 'x' });
    await fake.open();
    await switchTo(console, 'xen');
    expect(fake.writes).toEqual([new Uint8Array([0x18, 0x18, 0x18])]);
  });

  it('keeps switching until Xen says the wanted target, one confirmed triple at a time', async () => {
    const { console, sim } = await simConsole();
    // Input starts at Xen here: the first triple goes to dom0, the second back to Xen.
    await switchTo(console, 'dom0');
    await switchTo(console, 'xen');
    expect(sim.inputTarget).toBe('xen');
    await restoreInput(console);
    expect(sim.inputTarget).toBe('dom0');
  });

  it('never sends a second triple while the first is unconfirmed', async () => {
    const fake = new FakeTransport(); // a console that never answers
    const console = new XenConsole(fake, { clock: systemClock });
    await fake.open();
    const error = await switchTo(console, 'xen', { confirmTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(isXenkeysError(error, 'switch-not-confirmed')).toBe(true);
    expect(fake.writes).toHaveLength(1);
    // Returning input waits for the owed reply instead of sending again.
    const again = await restoreInput(console, { confirmTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(isXenkeysError(again, 'switch-not-confirmed')).toBe(true);
    expect(fake.writes).toHaveLength(1);
    // A late reply is still understood.
    fake.emitData("(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)\r\n");
    expect(console.input).toMatchObject({ target: 'xen', found: 'dom0', unconfirmedSwitches: 0 });
  });

  it('says so when Xen has switching disabled', async () => {
    const fake = new FakeTransport();
    const console = new XenConsole(fake, { clock: systemClock });
    await fake.open();
    fake.emitData('(XEN) *** Serial input to DOM0\r\n');
    const error = await switchTo(console, 'xen').catch((e: unknown) => e);
    expect(isXenkeysError(error, 'switch-not-confirmed')).toBe(true);
    expect((error as Error).message).toMatch(/disabled/);
    expect(fake.writes).toHaveLength(0);
  });

  it('is a no-op to restore when nothing was switched', async () => {
    const { console, transport } = await simConsole();
    await restoreInput(console);
    expect(console.input.target).toBe('unknown');
    expect(transport.isOpen).toBe(true);
  });
});

describe('learning where input goes', () => {
  it('switches once to hear Xen, then back, and knows the target', async () => {
    const { console, transport, sim } = await simConsole();
    const { learnInput } = await import('../../src/console/switcher.js');
    const writes: number[] = [];
    transport.onData(() => undefined);
    const sub = console.onEvent((e) => e.type === 'input' && writes.push(e.bytes.length));
    await learnInput(console);
    sub.dispose();
    expect(console.input).toMatchObject({ target: 'dom0', found: 'dom0' });
    expect(sim.inputTarget).toBe('dom0');
    expect(writes).toEqual([3, 3]);
    // Known now: a second call sends nothing.
    await learnInput(console);
    expect(sim.inputTarget).toBe('dom0');
  });
});
