import { describe, expect, it } from 'vitest';
import { dangerFromDescription, KeyCatalog } from '../../src/console/debug-keys.js';
import { parseHandlers } from '../../src/parse/handlers.js';
import { HANDLER_LINES } from '../helpers/sim-console.js';

describe('debug-key danger', () => {
  it("judges by the host's own descriptions once known: 4.17 swapped n and N", () => {
    const catalog = new KeyCatalog();
    // Before the host's list is known, both n and N are treated as dangerous (the letters moved).
    expect(catalog.danger('n')).toBe('destructive');
    expect(catalog.danger('N')).toBe('destructive');
    catalog.learn(parseHandlers(HANDLER_LINES));
    expect(catalog.known).toBe(true);
    expect(catalog.danger('n')).toBeNull();
    expect(catalog.danger('N')).toBe('destructive');
    // Older Xen: n triggers the NMI.
    const old = new KeyCatalog();
    old.learn([
      { key: 'n', description: 'trigger an NMI' },
      { key: 'N', description: 'NMI statistics' },
    ]);
    expect(old.danger('n')).toBe('destructive');
    expect(old.danger('N')).toBeNull();
  });

  it('classifies descriptions from the Xen source', () => {
    expect(dangerFromDescription('reboot machine')).toBe('destructive');
    expect(dangerFromDescription('trigger a crashdump')).toBe('destructive');
    expect(dangerFromDescription('trap to xendbg')).toBe('destructive');
    expect(dangerFromDescription('print all diagnostics')).toBe('destructive');
    expect(dangerFromDescription('increase log level threshold')).toBe('state-changing');
    expect(dangerFromDescription('toggle alternative key handling')).toBe('state-changing');
    expect(dangerFromDescription('reset shadow pagetables')).toBe('state-changing');
    expect(dangerFromDescription('dump run queues')).toBeNull();
    expect(dangerFromDescription('synchronously dump console ring buffer (dmesg)')).toBeNull();
  });

  it('knows which keys the host has once it has seen h', () => {
    const catalog = new KeyCatalog();
    expect(catalog.has('C')).toBeNull();
    catalog.learn(parseHandlers(HANDLER_LINES));
    expect(catalog.has('q')).toBe(true);
    expect(catalog.has('C')).toBe(false);
    // A key missing from the list is judged by its letter.
    expect(catalog.danger('C')).toBe('destructive');
  });
});
