// Test helpers: a XenConsole on the simulated Xen (real rules, canned output) with the system
// clock, plus byte helpers. The simulator answers asynchronously, like a wire.

import { systemClock } from '../../src/core/clock.js';
import { XenConsole } from '../../src/console/xen-console.js';
import type { SimScript } from '../../src/sim/xen-sim.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';

export const HANDLER_LINES = [
  "(XEN) 'h' pressed -> showing installed handlers",
  "(XEN)  key '*' (ascii '2a') => print all diagnostics",
  "(XEN)  key 'N' (ascii '4e') => trigger an NMI",
  "(XEN)  key 'R' (ascii '52') => reboot machine",
  "(XEN)  key 'd' (ascii '64') => dump registers",
  "(XEN)  key 'h' (ascii '68') => show this message",
  "(XEN)  key 'n' (ascii '6e') => NMI statistics",
  "(XEN)  key 'q' (ascii '71') => dump domain (and guest debug) info",
  "(XEN)  key 'r' (ascii '72') => dump run queues",
];

export function tinyScript(overrides: Partial<SimScript> = {}): SimScript {
  return {
    keys: new Map([
      ['h', HANDLER_LINES],
      [
        'q',
        ["(XEN) 'q' pressed -> dumping domain info (now = 1)", '(XEN) General information for domain 0:'],
      ],
      ['r', ['(XEN) sched_smt_power_savings: disabled', '(XEN) NOW=2']],
      ['d', ["(XEN) 'd' pressed -> dumping registers", '(XEN) ', '(XEN) *** Dumping CPU0 host state: ***']],
      ['n', ['(XEN) CPU\tNMI', '(XEN)   0\t  0']],
      ['R', ["(XEN) 'R' pressed -> rebooting machine"]],
    ]),
    bootLines: [
      '(XEN) Xen version 4.17.7',
      "(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)",
    ],
    ...overrides,
  };
}

export async function simConsole(script: SimScript = tinyScript(), conswitch = 'a') {
  const transport = new SimulatedXenTransport({ script: { ...script, conswitch }, clock: systemClock });
  const console = new XenConsole(transport, { clock: systemClock, conswitch });
  await transport.open();
  return { transport, console, sim: transport.simulator! };
}

export const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
