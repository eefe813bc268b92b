// Moving Xen's serial input, confirmed by Xen's own message at every step. Xen's switch-byte
// count has no timeout, so after sending a triple we wait for the reply before anything else, and
// a triple Xen never answered is never followed by another: its bytes may still be queued on the
// way and arrive later. A reply is believed only as the console model judges it (input-target.ts);
// when we had to re-learn from an unknown target, we also watch a short settle window for a second
// message, which would mean something else on the line prints switch messages.

import { isXenkeysError, XenkeysError } from '../core/errors.js';
import type { InputState, KnownTarget } from './input-target.js';
import { parseSwitchMessage, targetLabel } from './input-target.js';
import { looksLike } from './not-xen.js';
import type { XenConsole } from './xen-console.js';

export interface SwitchOptions {
  /** Unused: the console's confirm window (XenConsoleOptions.confirmWindowMs) bounds every wait. */
  confirmTimeoutMs?: number;
  /** After re-learning from an unknown target: no second switch message may arrive for this long. */
  settleMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_CONFIRM_TIMEOUT_MS = 5_000;
export const DEFAULT_SETTLE_MS = 500;

/** Switch until Xen says, in a message we can verify, that input goes to `want`. */
export async function switchTo(
  console: XenConsole,
  want: KnownTarget,
  options: SwitchOptions = {},
): Promise<void> {
  let sent = 0;
  while (console.input.target !== want) {
    console.expireSwitches();
    const state = console.input;
    if (state.switchingDisabled) {
      throw new XenkeysError('switch-not-confirmed', 'Xen has input switching disabled on this host', {
        hint: 'Xen was booted with conswitch=` (no switch character); use `xl debug-keys` from dom0 instead.',
      });
    }
    if (state.unanswered > 0) throw unansweredError(console, want);
    // One pass round the rotation plus a re-learn or two is enough; more means Xen is not saying what we expect.
    if (sent > state.maxDomSeen + 4) {
      throw new XenkeysError(
        'switch-not-confirmed',
        `input did not reach ${targetLabel(want)} after ${sent} switches: ${state.unverified ?? 'Xen kept answering otherwise'}`,
        {
          hint: 'Something on the console may be printing switch messages. Check it by hand before trusting input.',
        },
      );
    }
    if (state.pending.length > 0) {
      // A triple is still owed a reply (sent before, perhaps by an interrupted step): wait for it.
      await awaitSwitchMessage(console, want, options, () => Promise.resolve());
      continue;
    }
    // Something unverified went by: let the line settle before adding a triple to it.
    if (state.unverified !== null) await settle(console, options);
    const relearning = console.input.target === 'unknown';
    await awaitSwitchMessage(console, want, options, () => console.sendSwitch());
    sent++;
    if (relearning && console.input.target !== 'unknown') await settle(console, options);
  }
}

/**
 * Ask Xen where input goes and leave it there: one switch to hear Xen's reply (which says where
 * input was), then straight back. Both steps are confirmed; a no-op when the target is verified.
 */
export async function learnInput(console: XenConsole, options: SwitchOptions = {}): Promise<void> {
  if (console.input.target !== 'unknown') return;
  if (console.input.pending.length === 0) {
    await awaitSwitchMessage(console, 'xen', options, () => console.sendSwitch());
    await settle(console, options);
  }
  const found = console.input.found;
  if (found !== 'unknown') await switchTo(console, found, options);
}

/**
 * Return input to where xenkeys found it, verified: resolves only once Xen's answer to our own
 * switch said so (or when we never moved it). A no-op if we never switched.
 */
export async function restoreInput(console: XenConsole, options: SwitchOptions = {}): Promise<void> {
  for (let relearned = 0; ; relearned++) {
    console.expireSwitches();
    const state = console.input;
    if (state.found !== 'unknown') return switchTo(console, state.found, options);
    if (state.unanswered > 0) throw unansweredError(console, 'dom0');
    if (state.pending.length > 0) {
      // We switched but never learned the reply: learn it now, then decide.
      await awaitSwitchMessage(console, 'dom0', options, () => Promise.resolve());
    } else if (state.foundStepsBack !== null && relearned < 3) {
      // We moved input, but the answer we counted back from was doubted: count back from a new one.
      if (state.unverified !== null) await settle(console, options);
      await awaitSwitchMessage(console, 'dom0', options, () => console.sendSwitch());
      await settle(console, options);
    } else if (state.triplesSent > 0) {
      throw new XenkeysError(
        'switch-not-confirmed',
        'xenkeys moved input but cannot tell where it was found',
        {
          hint: 'Check where input goes by hand (Ctrl-A three times shows Xen’s message) and put it back on dom0.',
        },
      );
    } else {
      return; // never touched: input is where it was
    }
  }
}

/** Input is as found: verified back where it was found, or never moved at all. */
export function inputAsFound(state: InputState): boolean {
  if (state.found === 'unknown') return state.triplesSent === 0;
  return state.target === state.found;
}

async function awaitSwitchMessage(
  console: XenConsole,
  want: KnownTarget,
  options: SwitchOptions,
  action: () => Promise<void>,
): Promise<void> {
  // A line being reopened: wait for it rather than write into it.
  await console.whenConnected(options.signal);
  const timeoutMs = console.confirmWindowMs;
  // Listen before acting: Xen can answer before write() resolves.
  const reply = console.waitForLine((line) => parseSwitchMessage(line.text) !== null, {
    timeoutMs,
    what: "Xen's `*** Serial input` confirmation",
    ...(options.signal ? { signal: options.signal } : {}),
  });
  reply.catch(() => undefined);
  let dropSub: { dispose(): void } | null = null;
  const dropped = new Promise<'dropped'>((resolve) => {
    dropSub = console.onConnection((up) => up || resolve('dropped'));
  });
  try {
    await action();
    await Promise.race([reply, dropped]);
  } catch (error) {
    if (isXenkeysError(error, 'wait-timeout')) {
      console.expireSwitches();
      throw unansweredError(console, want);
    }
    if (!console.isConnected) return console.whenConnected(options.signal);
    throw error;
  } finally {
    (dropSub as { dispose(): void } | null)?.dispose();
  }
  // The line dropped before Xen answered: once it is back, the caller re-learns where input is.
  if (!console.isConnected) await console.whenConnected(options.signal);
}

/** Wait until no switch message has arrived for settleMs (bounded by the confirm window). */
async function settle(console: XenConsole, options: SwitchOptions): Promise<void> {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const deadline = console.clock.now() + console.confirmWindowMs;
  for (;;) {
    if (console.clock.now() >= deadline) {
      throw new XenkeysError(
        'switch-not-confirmed',
        'switch messages keep arriving that no switch of ours caused',
        {
          hint: 'Something on the console (dom0 replaying a log, another client) prints them: input is not verified.',
        },
      );
    }
    try {
      await console.waitForLine((line) => parseSwitchMessage(line.text) !== null, {
        timeoutMs: settleMs,
        what: 'the line to settle',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (isXenkeysError(error, 'wait-timeout')) return;
      throw error;
    }
  }
}

/** No reply to a triple: say what the console did instead, and the one command that sets it straight. */
function unansweredError(console: XenConsole, want: KnownTarget): XenkeysError {
  const back = console.input.found === 'unknown' ? 'dom0' : console.input.found;
  const fix = `When the console answers, run \`xenkeys switch --to ${back} …\` with the same connection flags to put input back.`;
  if (console.bytesReceived === 0) {
    // A quiet console with the wrong switch letter looks the same as one held by another client.
    return new XenkeysError(
      'switch-not-confirmed',
      'Xen did not confirm the input switch: the console never answered (not one byte arrived since connecting)',
      {
        hint:
          'Another client may hold the console (QEMU and ser2net serve one at a time): the switch bytes may still ' +
          "be queued and reach Xen later. Or the switch letter (--conswitch) does not match Xen's conswitch=. " +
          `No second switch was sent. ${fix}`,
      },
    );
  }
  const seen = looksLike(console.recentText());
  if (seen) {
    return new XenkeysError('switch-not-confirmed', `no Xen answered the switch; this looks like ${seen}`, {
      hint: 'Point xenkeys at the serial console of a Xen host (console=com1 on Xen’s command line).',
    });
  }
  return new XenkeysError(
    'switch-not-confirmed',
    `Xen did not answer the input switch towards ${targetLabel(want)} within ${console.confirmWindowMs} ms`,
    {
      hint:
        'Check the console is a Xen serial console (console=com1 …) and the switch letter (--conswitch) matches ' +
        `Xen's conswitch= option. No second switch was sent: the first may still arrive. ${fix}`,
    },
  );
}
