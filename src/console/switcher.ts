// Moving Xen's serial input, confirmed by Xen's own message at every step. Xen's switch-byte
// count has no timeout, so after sending a triple we wait for the reply before anything else:
// we act on the state Xen reports, never on the state we assumed.

import { XenkeysError } from '../core/errors.js';
import type { InputTarget } from './input-target.js';
import { parseSwitchMessage } from './input-target.js';
import type { XenConsole } from './xen-console.js';

export interface SwitchOptions {
  /** How long to wait for Xen's `*** Serial input …` reply to one triple. */
  confirmTimeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_CONFIRM_TIMEOUT_MS = 5_000;

/** Switch until Xen says input goes to `want`. */
export async function switchTo(
  console: XenConsole,
  want: Exclude<InputTarget, 'unknown'>,
  options: SwitchOptions = {},
): Promise<void> {
  let sent = 0;
  while (console.input.target !== want) {
    const state = console.input;
    if (state.switchingDisabled) {
      throw new XenkeysError('switch-not-confirmed', 'Xen has input switching disabled on this host', {
        hint: 'Xen was booted with conswitch=` (no switch character); use `xl debug-keys` from dom0 instead.',
      });
    }
    // One pass round the rotation is enough; more means Xen is not saying what we expect.
    if (sent > state.maxDomSeen + 2) {
      throw new XenkeysError('switch-not-confirmed', `input did not reach ${want} after ${sent} switches`);
    }
    if (state.unconfirmedSwitches > 0) {
      // A triple is still owed a reply (sent before, perhaps by an interrupted step): wait for it.
      await awaitSwitchMessage(console, options, () => Promise.resolve());
    } else {
      await awaitSwitchMessage(console, options, () => console.sendSwitch());
      sent++;
    }
  }
}

/**
 * Ask Xen where input goes and leave it there: one switch to hear Xen's reply (which says where
 * input was), then straight back. Both steps are confirmed; a no-op when the target is known.
 */
export async function learnInput(console: XenConsole, options: SwitchOptions = {}): Promise<void> {
  if (console.input.target !== 'unknown') return;
  await awaitSwitchMessage(console, options, () => console.sendSwitch());
  const found = console.input.found;
  if (found !== 'unknown') await switchTo(console, found, options);
}

/** Return input to where xenkeys found it. A no-op if we never switched. */
export async function restoreInput(console: XenConsole, options: SwitchOptions = {}): Promise<void> {
  const found = console.input.found;
  if (found === 'unknown') {
    if (console.input.unconfirmedSwitches > 0) {
      // We switched but never learned the reply: learn it now, then decide.
      await awaitSwitchMessage(console, options, () => Promise.resolve());
      return restoreInput(console, options);
    }
    return;
  }
  await switchTo(console, found, options);
}

async function awaitSwitchMessage(
  console: XenConsole,
  options: SwitchOptions,
  action: () => Promise<void>,
): Promise<void> {
  const timeoutMs = options.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  // Listen before acting: Xen can answer before write() resolves.
  const reply = console.waitForLine((line) => parseSwitchMessage(line.text) !== null, {
    timeoutMs,
    what: "Xen's `*** Serial input` confirmation",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  reply.catch(() => undefined);
  await action();
  try {
    await reply;
  } catch (error) {
    if (error instanceof XenkeysError && error.code === 'wait-timeout') {
      throw new XenkeysError(
        'switch-not-confirmed',
        `Xen did not confirm the input switch within ${timeoutMs} ms`,
        {
          hint:
            'Check the console is a Xen serial console (console=com1 …) and the switch letter (--conswitch) matches ' +
            "Xen's conswitch= option. xenkeys will not send another switch blindly.",
        },
      );
    }
    throw error;
  }
}
