// What a XenConsole is given, and what it reports when its guard holds input back.

import type { Clock } from '../core/clock.js';
import type { InputOrigin } from './input-guard.js';

export interface XenConsoleOptions {
  clock: Clock;
  /** Xen's `conswitch=` letter; 'a' means CTRL-A. */
  conswitch?: string;
  /** A switch message is believed only this long after our triple reached the wire. */
  confirmWindowMs?: number;
  /** An `h` typed by hand at Xen is learned once its output has been quiet this long. */
  quietMs?: number;
}

export const DEFAULT_CONFIRM_WINDOW_MS = 5_000;

export interface Refusal {
  origin: InputOrigin;
  reason: string;
  detail: string;
}
