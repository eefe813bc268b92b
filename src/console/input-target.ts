// Where Xen sends serial input, learned only from Xen's own `*** Serial input …` messages.
// A pure state machine: fold `lineSeen` and `bytesSent` events over it. It never assumes a
// switch happened because bytes were sent; it counts them so it knows what Xen is waiting for.
// Source: xen/drivers/char/console.c, serial_rx() and switch_serial_input() / console_switch_input().

/** 'unknown' until Xen has said; 'dom<N>' as Xen names domains in its messages. */
export type InputTarget = 'unknown' | 'xen' | `dom${number}`;

export interface SwitchMessage {
  target: Exclude<InputTarget, 'unknown'>;
  /** The configured switch letter as Xen prints it ('a' for CTRL-a), or null when the hint is absent. */
  switchChar: string | null;
  /** 'to' since 4.12 (rotation Xen → DOM0 → … → Xen); 'arrow' up to 4.11 (toggle Xen ↔ DOM0). */
  style: 'to' | 'arrow';
}

// Matches anywhere in a line: the busybox prompt is often still on the line when Xen speaks.
const SWITCH_RE =
  /\*\*\* Serial input (to|->) (Xen|DOM(\d+))(?: \(type 'CTRL-(.)' three times to switch input)?/;

export function parseSwitchMessage(text: string): SwitchMessage | null {
  const m = SWITCH_RE.exec(text);
  if (!m) return null;
  const target = m[2] === 'Xen' ? 'xen' : (`dom${Number(m[3])}` as const);
  return { target, switchChar: m[4] ?? null, style: m[1] === 'to' ? 'to' : 'arrow' };
}

/** The control byte for a conswitch letter: 'a' → 0x01 (Xen: opt_conswitch[0] - 'a' + 1). */
export function switchCodeFor(letter: string): number {
  const code = letter.charCodeAt(0) - 0x61 + 1;
  if (letter.length !== 1 || code < 1 || code > 26) {
    throw new RangeError(`conswitch letter must be a-z, got ${JSON.stringify(letter)}`);
  }
  return code;
}

export interface InputState {
  readonly target: InputTarget;
  /** Where input was when xenkeys first touched it: where every exit path returns it. */
  readonly found: InputTarget;
  /** True once we have sent a switch and not yet learned `found` (it is inferred from the reply). */
  readonly inferFoundFromNextMessage: boolean;
  /** Consecutive switch bytes Xen holds (0–2): its counter never times out. */
  readonly heldSwitchBytes: number;
  /** Complete triples sent whose `*** Serial input` confirmation has not been seen. */
  readonly unconfirmedSwitches: number;
  /** Message style seen so far (decides the rotation); null before any message. */
  readonly style: 'to' | 'arrow' | null;
  /** Highest DOM<n> seen in a message: the end of the rotation as far as we know. */
  readonly maxDomSeen: number;
  /** Xen printed a switch message without the "(type 'CTRL-x' …)" hint: switching is disabled. */
  readonly switchingDisabled: boolean;
}

export function initialInputState(): InputState {
  return {
    target: 'unknown',
    found: 'unknown',
    inferFoundFromNextMessage: false,
    heldSwitchBytes: 0,
    unconfirmedSwitches: 0,
    style: null,
    maxDomSeen: 0,
    switchingDisabled: false,
  };
}

/** Xen printed a switch message (ours or anybody's). */
export function onSwitchMessage(state: InputState, message: SwitchMessage): InputState {
  const domNumber = message.target === 'xen' ? 0 : Number(message.target.slice(3));
  const next: InputState = {
    ...state,
    target: message.target,
    unconfirmedSwitches: Math.max(0, state.unconfirmedSwitches - 1),
    style: message.style,
    maxDomSeen: Math.max(state.maxDomSeen, domNumber),
    switchingDisabled: message.switchChar === null,
  };
  if (!state.inferFoundFromNextMessage) return next;
  return { ...next, inferFoundFromNextMessage: false, found: previousInRotation(next, message.target) };
}

/**
 * Bytes went to the wire. Xen counts consecutive switch bytes (bit 7 stripped); any other byte
 * resets the count (the held ones are replayed to the current target).
 */
export function onBytesSent(state: InputState, bytes: Uint8Array, switchCode: number): InputState {
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
  // The first switch we cause is how we learn where input was: remember it, or infer it from Xen's reply.
  const learning = state.found === 'unknown' && !state.inferFoundFromNextMessage;
  return {
    ...state,
    heldSwitchBytes: held,
    unconfirmedSwitches: state.unconfirmedSwitches + triples,
    found: learning && state.target !== 'unknown' ? state.target : state.found,
    inferFoundFromNextMessage: state.inferFoundFromNextMessage || (learning && state.target === 'unknown'),
  };
}

/** The connection dropped and came back: Xen may have moved on meanwhile. Re-learn, never assume. */
export function onReconnect(state: InputState): InputState {
  return { ...state, target: 'unknown', heldSwitchBytes: 0, unconfirmedSwitches: 0 };
}

/**
 * The target one switch before `target`. Up to 4.11 Xen toggles Xen ↔ DOM0. From 4.12 it rotates
 * Xen → DOM0 → … → DOM<max_init_domid> → Xen; max_init_domid is 0 on x86, so DOM0 unless we have
 * seen higher domains in messages (Arm dom0less).
 */
export function previousInRotation(state: InputState, target: Exclude<InputTarget, 'unknown'>): InputTarget {
  if (target === 'xen') return `dom${state.style === 'arrow' ? 0 : state.maxDomSeen}`;
  const n = Number(target.slice(3));
  return n === 0 ? 'xen' : `dom${n - 1}`;
}

/** How Xen's own status reads: "XEN", "DOM0", "?" (the TUI shows `input: XEN`). */
export function targetLabel(target: InputTarget): string {
  if (target === 'unknown') return '?';
  return target.toUpperCase();
}
