// Captures through the watcher: a client's XenConsole over an attach transport switches to Xen,
// presses keys and returns input, all through the watcher's seat, against the simulated Xen
// (Xen's real input rules); a read-only viewer sees the same key output.

import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { captureKeys } from '../../src/console/key-runner.js';
import { restoreInput } from '../../src/console/switcher.js';
import { XenConsole } from '../../src/console/xen-console.js';
import { XenSimulator } from '../../src/sim/xen-sim.js';
import { startAttachServer } from '../../src/watch/attach-server.js';
import { FakeHub } from '../../src/watch/fake-hub.js';
import { tinyScript } from '../helpers/sim-console.js';
import { attachClient, tempAttachDir } from './attach-helpers.js';

describe('captures through an attached client', () => {
  it('switches, presses keys and returns input through the seat; a viewer sees the key output', async () => {
    const tmp = tempAttachDir();
    // The watcher's console is the simulator: seat writes reach it, its output is the hub's.
    const hub = new FakeHub('sim', { onWrite: (bytes) => sim.receive(bytes) });
    const sim = new XenSimulator(tinyScript(), { clock: systemClock, emit: (b) => hub.emitData(b) });
    const server = await startAttachServer(hub, tmp.dir);
    try {
      const viewer = attachClient({ name: 'sim', mode: 'ro', dir: tmp.dir });
      const writer = attachClient({ name: 'sim', mode: 'rw', dir: tmp.dir });
      await viewer.transport.open();
      const console = new XenConsole(writer.transport, { clock: systemClock });
      await writer.transport.open();
      const fast = { timing: { quietMs: 60, firstOutputMs: 2_000, capMs: 5_000 } };
      const captures = await captureKeys(console, ['q', 'r'], fast);
      expect(captures.map((c) => [c.key, c.endReason])).toEqual([
        ['q', 'quiet'],
        ['r', 'quiet'],
      ]);
      expect(captures[0]!.text).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
      expect(captures[1]!.text).toContain('sched_smt_power_savings');
      await restoreInput(console);
      expect(console.input.target).toBe('dom0');
      expect(sim.inputTarget).toBe('dom0');
      expect(sim.ran).toEqual(['q', 'r']);
      await viewer.waitFor('sched_smt_power_savings');
      await viewer.waitFor('*** Serial input to DOM0');
      console.dispose();
      await writer.transport.close();
      await viewer.transport.close();
    } finally {
      await server.close();
      tmp.cleanup();
    }
  });
});
