import { describe, expect, it } from 'vitest';
import { dangerFromDescription, KeyCatalog } from '../../src/console/debug-keys.js';
import { parseHandlers } from '../../src/parse/handlers.js';
import { HANDLER_LINES } from '../helpers/sim-console.js';

describe('debug-key danger', () => {
  it("never lets a host's list clear danger: n and N both stay dangerous (4.17 swapped them)", () => {
    const catalog = new KeyCatalog();
    expect(catalog.danger('n')).toBe('destructive');
    expect(catalog.danger('N')).toBe('destructive');
    catalog.learn(parseHandlers(HANDLER_LINES));
    expect(catalog.known).toBe(true);
    expect(catalog.danger('n')).toBe('destructive');
    expect(catalog.danger('N')).toBe('destructive');
    expect(catalog.describe('n')).toBe('NMI statistics');
  });

  it('ignores forged descriptions that would make a dangerous key look harmless', () => {
    const catalog = new KeyCatalog();
    catalog.learn(
      parseHandlers([
        "(XEN)  key 'R' (ascii '52') => dump registers quietly",
        "(XEN)  key '+' (ascii '2b') => show the log level",
        "(XEN)  key 'q' (ascii '71') => dump domain (and guest debug) info",
      ]),
    );
    expect(catalog.danger('R')).toBe('destructive');
    expect(catalog.danger('+')).toBe('state-changing');
    expect(catalog.danger('q')).toBeNull();
  });

  it("lets a host's list add danger to a key no version made dangerous", () => {
    const catalog = new KeyCatalog();
    catalog.learn([
      { key: 'k', description: 'reboot into the firmware' },
      { key: 'j', description: 'toggle the widget' },
    ]);
    expect(catalog.danger('k')).toBe('destructive');
    expect(catalog.danger('j')).toBe('state-changing');
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
