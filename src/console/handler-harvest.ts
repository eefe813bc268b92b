// Learning a host's key list from an `h` the user typed by hand at verified Xen: collect the lines
// that follow and, once the output has been quiet for a while, hand over the handlers they name.
// Only started by the console when the `h` itself went to a verified Xen target, so text that merely
// looks like an `h` listing (an old log at the dom0 prompt) never teaches anything.

import type { Clock, TimerHandle } from '../core/clock.js';
import { parseHandlers, type Handler } from '../parse/handlers.js';

export class HandlerHarvest {
  private lines: string[] | null = null;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly quietMs: number,
    /** Monotonic ms of the last byte received. */
    private readonly lastOutput: () => number,
    private readonly learn: (handlers: Handler[]) => void,
  ) {}

  /** An `h` went to Xen: start (again) from here. */
  start(): void {
    this.stop();
    const lines: string[] = [];
    this.lines = lines;
    const arm = (): void => {
      this.timer = this.clock.setTimeout(() => {
        if (this.clock.now() - this.lastOutput() < this.quietMs) return arm();
        this.lines = null;
        this.timer = null;
        this.learn(parseHandlers(lines));
      }, this.quietMs);
    };
    arm();
  }

  line(text: string): void {
    this.lines?.push(text);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.lines = null;
  }
}
