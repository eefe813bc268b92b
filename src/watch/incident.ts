// One incident on one console: let the trouble finish printing, move input to Xen (verified), press
// the key plan through the capture machinery (capture/capture-keys.ts: the host's `h` first, keys it
// lacks skipped, dangerous ones refused), and return input verified. A Xen that answers neither the
// switch nor `h` has halted (a panic with `noreboot`): nothing more is pressed.

import { errorMessage, isXenkeysError } from '../core/errors.js';
import type { KeyCapture, KeyTiming } from '../console/key-runner.js';
import { waitForQuiet } from '../console/quiet.js';
import { inputAsFound, restoreInput } from '../console/switcher.js';
import type { XenConsole } from '../console/xen-console.js';
import { pressKeys } from '../capture/capture-keys.js';
import type { CaptureOptions } from '../capture/capture-options.js';
import type { Progress } from '../capture/progress.js';
import { DEFAULT_RECONNECT } from '../transports/reconnecting.js';

/**
 * osstest's order (`0 H M Q a c d e g i m n r s t u v z`, then `q`) less `n`: older Xen binds `n`
 * to "trigger an NMI", so xenkeys refuses it as capture does (console/debug-keys.ts).
 */
export const OSSTEST_KEYS = '0HMQacdegimrstuvzq';

export interface IncidentPlan {
  keys: string;
  timing: KeyTiming;
  /** How long the trigger's output must be quiet before keys are pressed. */
  settleMs: number;
  /** Never wait for the trigger's output to end longer than this. */
  settleCapMs: number;
  confirmTimeoutMs: number;
  conswitch: string;
}

export interface IncidentRun {
  captures: KeyCapture[];
  /** Xen answered neither the switch nor `h`. */
  halted: boolean;
  inputRestored: boolean;
  warnings: string[];
  error: string | null;
}

export async function runIncident(
  console: XenConsole,
  plan: IncidentPlan,
  signal: AbortSignal,
): Promise<IncidentRun> {
  const warnings: string[] = [];
  const captures: KeyCapture[] = [];
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  let halted = false;
  let error: string | null = null;
  try {
    await waitForQuiet(console, {
      quietMs: plan.settleMs,
      firstOutputMs: plan.settleMs,
      capMs: plan.settleCapMs,
      signal: both,
    });
    await pressKeys(console, [...plan.keys], captureOptions(plan), {
      confirmTimeoutMs: plan.confirmTimeoutMs,
      signal: both,
      progress: silentProgress,
      warn: (m) => warnings.push(m),
      onCapture: (c) => {
        captures.push(c);
        // Verified at Xen, and not even `h` printed anything: Xen is not running its key handlers.
        if (captures.length === 1 && c.key === 'h' && c.endReason === 'no-output') {
          halted = true;
          stop.abort(new Error('Xen answered no key'));
        }
      },
    });
  } catch (e) {
    // Our triple went unanswered (expired, or still pending when the wait gave up): Xen is not listening.
    const { unanswered, pending } = console.input;
    if (isXenkeysError(e, 'switch-not-confirmed') && (unanswered > 0 || pending.length > 0)) halted = true;
    else if (!stop.signal.aborted) error = errorMessage(e);
  }
  let inputRestored = inputAsFound(console.input);
  // A switch Xen never answered may still be queued: a second triple could flip input later.
  if (
    console.transport.isOpen &&
    console.input.unanswered === 0 &&
    console.input.pending.length === 0 &&
    !halted
  ) {
    try {
      // Not aborted with the rest: a stopping watcher still returns input (each wait is bounded by the confirm window).
      await restoreInput(console, { confirmTimeoutMs: plan.confirmTimeoutMs });
      inputRestored = inputAsFound(console.input);
    } catch (e) {
      inputRestored = false;
      error ??= `could not return input: ${errorMessage(e)}`;
    }
  }
  if (halted)
    warnings.push(
      'Xen answered no switch and no key: it has halted; no key will be pressed until it boots again',
    );
  return { captures, halted, inputRestored, warnings, error };
}

function captureOptions(plan: IncidentPlan): CaptureOptions {
  return {
    keys: plan.keys,
    conswitch: plan.conswitch,
    timing: plan.timing,
    confirmTimeoutMs: plan.confirmTimeoutMs,
    allowDangerous: false,
    recordInput: false,
    discover: true,
    reconnect: DEFAULT_RECONNECT,
    waitTimeoutMs: 0,
    report: false,
  };
}

const silentProgress: Progress = {
  step: () => undefined,
  succeed: () => undefined,
  fail: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  stop: () => undefined,
};
