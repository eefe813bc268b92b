// Waiting for a console line: the first one (from now on) that matches, or a clear error on timeout,
// abort, or when the line closes for good.

import type { Clock } from '../core/clock.js';
import { firstOf, type Disposable, type Listener } from '../core/emitter.js';
import { XenkeysError, type ErrorCode } from '../core/errors.js';
import type { Line } from '../pipeline/line-splitter.js';
import type { CloseReason } from '../transports/transport.js';
import { lostError } from './lost.js';

export interface WaitForLineOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  what: string;
  timeoutCode?: ErrorCode;
}

/** `closed`: why the console's line ended for good, if it has (then the wait fails at once). */
export function waitForLine(
  console: {
    clock: Clock;
    onLine: (listener: Listener<Line>) => Disposable;
    onClose: (listener: Listener<CloseReason>) => Disposable;
  },
  closed: CloseReason | null,
  match: (line: Line) => boolean,
  options: WaitForLineOptions,
): Promise<Line> {
  // Created here so a timeout points at the caller, not at a timer callback.
  const timeoutError = new XenkeysError(
    options.timeoutCode ?? 'wait-timeout',
    `timed out after ${options.timeoutMs} ms waiting for ${options.what}`,
  );
  if (closed) return Promise.reject(lostError(closed, options.what));
  return firstOf((resolve, reject) => {
    const timer = console.clock.setTimeout(() => reject(timeoutError), options.timeoutMs);
    return [
      console.onLine((line) => match(line) && resolve(line)),
      console.onClose((reason) => reject(lostError(reason, options.what))),
      { dispose: () => timer.cancel() },
    ];
  }, options.signal);
}
