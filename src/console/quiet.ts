// Waiting for a key's output to finish. Most Xen key handlers print no end marker, and Xen keeps
// a single pending key, so the next key must wait until this one's output has gone quiet.

import type { TimerHandle } from '../core/clock.js';
import type { QuietResult } from '../pipeline/capture.js';
import { lostError } from './lost.js';
import type { XenConsole } from './xen-console.js';

export interface QuietOptions {
  /** Output is complete after this long without a byte. */
  quietMs: number;
  /** Give up if nothing at all arrives within this long. */
  firstOutputMs: number;
  /** Stop collecting after this long even if output continues. */
  capMs: number;
  signal?: AbortSignal;
}

export type { QuietResult } from '../pipeline/capture.js';

/** Wait from now until output has been quiet for quietMs (or the first byte or the cap times out). */
export function waitForQuiet(console: XenConsole, options: QuietOptions): Promise<QuietResult> {
  const clock = console.clock;
  const start = clock.now();
  let sawOutput = false;
  return new Promise((resolve, reject) => {
    let timer: TimerHandle | null = null;
    const cleanups: (() => void)[] = [];
    const finish = (fn: () => void): void => {
      timer?.cancel();
      for (const c of cleanups) c();
      fn();
    };
    const arm = (): void => {
      timer?.cancel();
      const now = clock.now();
      const capLeft = start + options.capMs - now;
      const wait = sawOutput
        ? console.lastOutput + options.quietMs - now
        : start + options.firstOutputMs - now;
      timer = clock.setTimeout(check, Math.max(0, Math.min(wait, capLeft)));
    };
    const check = (): void => {
      const now = clock.now();
      if (now - start >= options.capMs) return finish(() => resolve(sawOutput ? 'cap' : 'no-output'));
      if (!sawOutput && now - start >= options.firstOutputMs) return finish(() => resolve('no-output'));
      if (sawOutput && now - console.lastOutput >= options.quietMs) return finish(() => resolve('quiet'));
      arm();
    };
    const sub = console.onEvent((event) => {
      if (event.type !== 'output' || sawOutput) return;
      sawOutput = true;
      arm();
    });
    cleanups.push(() => sub.dispose());
    const closed = console.onClose((reason) =>
      finish(() => reject(lostError(reason, 'the end of a capture'))),
    );
    cleanups.push(() => closed.dispose());
    if (options.signal) {
      const signal = options.signal;
      const onAbort = (): void => finish(() => reject(signal.reason));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', onAbort));
    }
    arm();
  });
}
