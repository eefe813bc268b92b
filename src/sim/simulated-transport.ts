// The simulated Xen console as a Transport: what the demo, the README's first command and the
// hermetic tests connect to when there is no hardware. It says plainly that it is simulated.

import type { Clock } from '../core/clock.js';
import { XenSimulator, type SimOptions, type SimScript } from './xen-sim.js';
import { TransportBase } from '../transports/base.js';

export interface SimulatedTransportOptions {
  script: SimScript;
  clock: Clock;
  /** Where the recorded output came from, shown in the description. */
  source?: string;
  taskletDelayMs?: SimOptions['taskletDelayMs'];
}

export class SimulatedXenTransport extends TransportBase {
  readonly kind = 'simulated' as const;
  readonly description: string;
  readonly canBreak = true;
  private sim: XenSimulator | null = null;
  breaks = 0;

  constructor(private readonly options: SimulatedTransportOptions) {
    super();
    this.description = `simulated Xen console${options.source ? ` (recorded: ${options.source})` : ''}`;
  }

  /** The simulator behind the line, for tests that check Xen's side of the story. */
  get simulator(): XenSimulator | null {
    return this.sim;
  }

  async open(): Promise<void> {
    this.sim = new XenSimulator(this.options.script, {
      clock: this.options.clock,
      emit: (bytes) => {
        if (this.isOpen) this.dataEmitter.fire(bytes);
      },
      ...(this.options.taskletDelayMs !== undefined ? { taskletDelayMs: this.options.taskletDelayMs } : {}),
    });
    this.markOpen();
    this.noticeEmitter.fire({ type: 'info', message: 'this console is simulated from recorded Xen output' });
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    this.sim?.receive(bytes);
  }

  // Xen's UART driver ignores BREAK; so does the simulation (but it is counted for tests).
  override async sendBreak(): Promise<void> {
    this.assertOpen();
    this.breaks++;
  }

  async close(message = 'closed'): Promise<void> {
    this.markClosed({ kind: 'local', message });
  }
}
