// Where Xen sends serial input, from cause and confirmation — never from text alone. Dom0 can print
// a line identical to Xen's `*** Serial input to …` message (and `xl dmesg` replays genuine old
// ones), so a message counts only when it answers a switch we caused: the third switch byte went to
// the wire within `windowMs` before it, and it names the target Xen's rotation predicts. Any other
// switch message (unsolicited, a second answer, a contradiction) makes the target unverified until
// a confirmed switch re-learns it. A pure state machine: every event carries the monotonic time.
// Source: xen/drivers/char/console.c, serial_rx(), switch_serial_input() / console_switch_input().

import { targetLabel, type InputTarget, type KnownTarget, type SwitchMessage } from './switch-message.js';

export {
  isBootBanner,
  parseSwitchMessage,
  switchCodeFor,
  targetLabel,
  type InputTarget,
  type KnownTarget,
  type SwitchMessage,
} from './switch-message.js';

/** A complete triple that reached the wire and awaits Xen's one answer. */
export interface PendingSwitch {
  /** Monotonic ms when its third byte was written. */
  readonly sentAt: number;
  /** Where Xen's rotation takes input, or 'unknown' when the target before it was not verified. */
  readonly predicted: InputTarget;
}

export interface InputState {
  /** Verified target, or 'unknown'. */
  readonly target: InputTarget;
  /** Why the target is not verified after something happened (null at the start, or when verified). */
  readonly unverified: string | null;
  /** Where input was when xenkeys first touched it: where every exit path returns it. */
  readonly found: InputTarget;
  /**
   * While `found` is still to be inferred: how many of our triples the next confirmed answer will be
   * counting back through (Xen got every one, answered or not). Null when not inferring.
   */
  readonly foundStepsBack: number | null;
  /** Complete triples we have sent this session: zero means we never moved input. */
  readonly triplesSent: number;
  /** How `found` was inferred, so a second answer inside the window can take it back. */
  readonly inference: {
    readonly at: number;
    readonly stepsBack: number;
    readonly triplesSent: number;
  } | null;
  /** Consecutive switch bytes Xen holds (0–2): its counter never times out. */
  readonly heldSwitchBytes: number;
  /** Triples sent, oldest first, each waiting for its answer. */
  readonly pending: readonly PendingSwitch[];
  /** Triples Xen never answered within the window: their bytes may still be queued somewhere. */
  readonly unanswered: number;
  /** Message style seen so far (decides the rotation); null before any confirmed message. */
  readonly style: 'to' | 'arrow' | null;
  /** Highest DOM<n> in a confirmed message: the end of the rotation as far as we know. */
  readonly maxDomSeen: number;
  /** Xen confirmed a switch without the "(type 'CTRL-x' …)" hint: switching is disabled. */
  readonly switchingDisabled: boolean;
  /** Xen's boot banner went by: its one end-of-boot hand-over may be believed (only if nothing was verified). */
  readonly bootHandOver: boolean;
}

export function initialInputState(): InputState {
  return {
    target: 'unknown',
    unverified: null,
    found: 'unknown',
    foundStepsBack: null,
    triplesSent: 0,
    inference: null,
    heldSwitchBytes: 0,
    pending: [],
    unanswered: 0,
    style: null,
    maxDomSeen: 0,
    switchingDisabled: false,
    bootHandOver: false,
  };
}

/** Triples sent whose answer has not been seen (the switcher waits for these before sending more). */
export function unconfirmedSwitches(state: InputState): number {
  return state.pending.length;
}

/** What an event did to the model, for the console's markers. */
export type Verdict = 'confirmed' | 'boot' | 'unverified' | 'ignored';

export interface Step {
  state: InputState;
  verdict: Verdict;
  /** Why a message was not believed. */
  reason?: string;
}

/**
 * A switch message went by at `now`. Believed only as the answer to our oldest pending triple
 * (sent within `windowMs`) that names the predicted target, or as Xen's end-of-boot hand-over.
 */
export function onSwitchMessage(
  state: InputState,
  message: SwitchMessage,
  now: number,
  windowMs: number,
): Step {
  const aged = expirePending(state, now, windowMs);
  const said = `"input to ${targetLabel(message.target)}"`;
  const [answer, ...rest] = aged.pending;
  if (!answer) {
    if (aged.bootHandOver && aged.target === 'unknown' && aged.unverified === null) {
      return { state: { ...learnFrom(aged, message), bootHandOver: false }, verdict: 'boot' };
    }
    if (aged.unanswered > 0) {
      // Most likely the late answer to a triple that sat in a queue: it has arrived, so a new switch
      // no longer risks a second one landing after it. Still not believed as to where input is.
      const reason = `unverified switch message ${said}: a late answer to a switch Xen had not answered in time`;
      return {
        state: distrust({ ...aged, unanswered: aged.unanswered - 1 }, reason),
        verdict: 'unverified',
        reason,
      };
    }
    const reason = `unverified switch message ${said}: no switch of ours was waiting for it`;
    return { state: distrust(doubtInference(aged, now, windowMs), reason), verdict: 'unverified', reason };
  }
  const next = { ...aged, pending: rest };
  if (answer.predicted !== 'unknown' && answer.predicted !== message.target) {
    const reason = `unverified switch message ${said}: Xen's rotation gives ${targetLabel(answer.predicted)}`;
    return { state: distrust(doubtInference(next, now, windowMs), reason), verdict: 'unverified', reason };
  }
  // Xen answered a switch byte of ours: switching is on, whatever this line's hint says (Xen prints
  // the hint with a printk of its own, and dom0's output can land between the two).
  let learned = { ...learnFrom(next, message), switchingDisabled: false };
  if (next.foundStepsBack !== null) {
    // This answer follows all our triples but the ones still pending: walk back through them.
    let found: KnownTarget = message.target;
    const stepsBack = next.foundStepsBack - rest.length;
    for (let i = stepsBack; i > 0; i--) found = previousInRotation(learned, found);
    const inference = { at: now, stepsBack: next.foundStepsBack, triplesSent: next.triplesSent };
    learned = { ...learned, foundStepsBack: null, found, inference };
  }
  // Later triples were predicted from a target we did not know yet: predict them now.
  return {
    state: { ...learned, pending: repredict(learned.pending, message.target, learned) },
    verdict: 'confirmed',
  };
}

/**
 * Bytes went to the wire at `now`. Xen counts consecutive switch bytes (bit 7 stripped); any other
 * byte resets the count (the held ones are replayed to the current target).
 */
export function onBytesSent(
  state: InputState,
  bytes: Uint8Array,
  switchCode: number,
  now: number,
): InputState {
  let held = state.heldSwitchBytes;
  let triples = 0;
  for (const byte of bytes) {
    if ((byte & 0x7f) === switchCode) {
      held++;
      if (held === 3) {
        held = 0;
        triples++;
      }
    } else {
      held = 0;
    }
  }
  if (triples === 0) return held === state.heldSwitchBytes ? state : { ...state, heldSwitchBytes: held };
  const pending = [...state.pending];
  let from = pending.at(-1)?.predicted ?? state.target;
  for (let i = 0; i < triples; i++) {
    from = from === 'unknown' ? 'unknown' : nextInRotation(state, from);
    pending.push({ sentAt: now, predicted: from });
  }
  // The first switch we cause is how we learn where input was: remember it, or infer it from Xen's reply.
  const untouched = state.found === 'unknown' && state.triplesSent === 0;
  let found = state.found;
  let foundStepsBack = state.foundStepsBack;
  if (untouched && state.target !== 'unknown') found = state.target;
  else if (untouched) foundStepsBack = triples;
  else if (foundStepsBack !== null) foundStepsBack += triples;
  return {
    ...state,
    heldSwitchBytes: held,
    pending,
    triplesSent: state.triplesSent + triples,
    // Until Xen answers, input is wherever the triple took it: not where we last knew.
    target: 'unknown',
    found,
    foundStepsBack,
    bootHandOver: false,
  };
}

/** Time passed: triples older than the window are unanswered (their bytes may still arrive late). */
export function expirePending(state: InputState, now: number, windowMs: number): InputState {
  const stale = state.pending.filter((p) => now - p.sentAt > windowMs).length;
  if (stale === 0) return state;
  return {
    ...distrust(
      state,
      `Xen did not answer ${stale === 1 ? 'a switch' : `${stale} switches`} within ${windowMs} ms`,
    ),
    pending: state.pending.slice(stale),
    unanswered: state.unanswered + stale,
    // Whether those bytes ever reached Xen is unknown: where input was can no longer be counted back.
    foundStepsBack: null,
  };
}

/** Xen's boot banner: the host (re)booted. What we knew before no longer holds. */
export function onBootBanner(state: InputState): InputState {
  const wasKnown = state.target !== 'unknown' || state.unverified !== null || state.pending.length > 0;
  return {
    ...state,
    target: 'unknown',
    pending: [],
    heldSwitchBytes: 0,
    // A verified session seeing a new banner cannot tell a reboot from dom0 printing one: re-verify.
    unverified: wasKnown ? 'Xen printed a boot banner: the host rebooted, or something printed one' : null,
    bootHandOver: !wasKnown,
  };
}

/** The connection dropped and came back: Xen may have moved on meanwhile. Re-learn, never assume. */
export function onReconnect(state: InputState): InputState {
  return {
    ...state,
    target: 'unknown',
    unverified:
      state.target === 'unknown' && state.unverified === null ? null : 'the connection dropped and came back',
    heldSwitchBytes: 0,
    pending: [],
    // Triples in flight may or may not have reached Xen: stop counting back through them.
    foundStepsBack: state.pending.length > 0 ? null : state.foundStepsBack,
    bootHandOver: false,
  };
}

/** The target after one switch from `from`, as far as we know Xen's rotation. */
export function nextInRotation(state: InputState, from: KnownTarget): KnownTarget {
  if (from === 'xen') return 'dom0';
  if (state.style === 'arrow') return 'xen';
  const n = Number(from.slice(3));
  return n < state.maxDomSeen ? `dom${n + 1}` : 'xen';
}

/**
 * The target one switch before `target`. Up to 4.11 Xen toggles Xen ↔ DOM0. From 4.12 it rotates
 * Xen → DOM0 → … → DOM<max_init_domid> → Xen; max_init_domid is 0 on x86, so DOM0 unless we have
 * seen higher domains in confirmed messages (Arm dom0less).
 */
export function previousInRotation(state: InputState, target: KnownTarget): KnownTarget {
  if (target === 'xen') return `dom${state.style === 'arrow' ? 0 : state.maxDomSeen}`;
  const n = Number(target.slice(3));
  return n === 0 ? 'xen' : `dom${n - 1}`;
}

function learnFrom(state: InputState, message: SwitchMessage): InputState {
  const domNumber = message.target === 'xen' ? 0 : Number(message.target.slice(3));
  return {
    ...state,
    target: state.pending.length > 0 ? 'unknown' : message.target,
    unverified: null,
    style: message.style,
    maxDomSeen: Math.max(state.maxDomSeen, domNumber),
    // A hint cut off by other text says nothing either way: keep what we knew. Only the end-of-boot
    // hand-over can say switching is off (with no switch character, Xen answers no switch at all).
    switchingDisabled: message.switchChar === '' ? state.switchingDisabled : message.switchChar === null,
  };
}

// A second answer soon after the one `found` was inferred from: either could have been the forgery.
function doubtInference(state: InputState, now: number, windowMs: number): InputState {
  const inf = state.inference;
  if (!inf || now - inf.at > windowMs) return state;
  const foundStepsBack = inf.stepsBack + (state.triplesSent - inf.triplesSent);
  return { ...state, found: 'unknown', foundStepsBack, inference: null };
}

function distrust(state: InputState, reason: string): InputState {
  return { ...state, target: 'unknown', unverified: reason, bootHandOver: false };
}

function repredict(pending: readonly PendingSwitch[], from: KnownTarget, state: InputState): PendingSwitch[] {
  let at = from;
  return pending.map((p) => {
    at = nextInRotation(state, at);
    return { ...p, predicted: at };
  });
}
