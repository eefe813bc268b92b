// The live console's keyboard, as a pure state machine: every byte passes through untouched
// (Ctrl-A included, so Xen's triple switch is three presses) except the local command prefix
// (Ctrl-] by default), which arms one binding. Bracketed pastes are passed as 'paste', never as commands.

/** What a binding after the prefix does. */
export type PrefixCommand =
  | 'switch'
  | 'keys'
  | 'quit'
  | 'help'
  | 'preset'
  | 'record'
  | 'marker'
  | 'break'
  | 'search'
  | 'side-panel'
  | 'cancel';

export interface Binding {
  key: string;
  command: PrefixCommand;
  help: string;
}

/** The bindings after the prefix, in help-panel order. */
export const BINDINGS: readonly Binding[] = [
  {
    key: 'x',
    command: 'switch',
    help: "switch input: to Xen, or back to where it was (confirmed by Xen's reply)",
  },
  {
    key: 'k',
    command: 'keys',
    help: "debug-key menu from the host's own 'h' list (dangerous keys ask first)",
  },
  { key: 'p', command: 'preset', help: 'capture a preset (post-mortem, quick, …) with progress' },
  { key: 's', command: 'side-panel', help: 'show / hide the side panel (the last capture)' },
  { key: '/', command: 'search', help: 'scrollback: search (empty: just scroll; PgUp/PgDn, n/N, Esc)' },
  { key: 'r', command: 'record', help: 'start / stop recording (session.cast + session.raw)' },
  { key: 'm', command: 'marker', help: 'add a marker to the recording' },
  { key: 'b', command: 'break', help: 'BREAK, or dom0 SysRq through the hvc Ctrl-O prefix' },
  { key: 'c', command: 'cancel', help: 'cancel a running capture' },
  { key: '?', command: 'help', help: 'this help (also h)' },
  { key: 'h', command: 'help', help: 'this help' },
  { key: 'q', command: 'quit', help: 'quit, returning input to where it was found' },
];

export type KeymapAction =
  | { type: 'send'; bytes: Uint8Array; origin: 'keyboard' | 'paste' }
  | { type: 'command'; command: PrefixCommand }
  /** The prefix was pressed: the UI can hint that a binding is expected. */
  | { type: 'armed' }
  /** The prefix was followed by a key with no binding (or Esc): nothing is sent. */
  | { type: 'unbound'; key: string };

/** 'passthrough': bytes go to the console; 'prefix': the next key is a binding; 'paste': inside ESC[200~ … ESC[201~. */
export type KeymapState = { name: 'passthrough' } | { name: 'prefix' } | { name: 'paste'; held: number[] };

export const INITIAL_KEYMAP: KeymapState = { name: 'passthrough' };

const PASTE_START = [0x1b, 0x5b, 0x32, 0x30, 0x30, 0x7e]; // ESC [ 2 0 0 ~
const PASTE_END = [0x1b, 0x5b, 0x32, 0x30, 0x31, 0x7e]; // ESC [ 2 0 1 ~

/**
 * Fold one chunk of keyboard input (as read from the terminal) over the keymap. Stops after a
 * command: the bytes after it (`rest`) belong to whatever the command opens (a menu, a prompt).
 */
export function feedKeys(
  state: KeymapState,
  chunk: Uint8Array,
  prefix: number,
): { state: KeymapState; actions: KeymapAction[]; rest: Uint8Array } {
  const actions: KeymapAction[] = [];
  let pending: number[] = [];
  let pendingOrigin: 'keyboard' | 'paste' = 'keyboard';
  const flush = (): void => {
    if (pending.length > 0)
      actions.push({ type: 'send', bytes: Uint8Array.from(pending), origin: pendingOrigin });
    pending = [];
  };
  const emit = (byte: number, origin: 'keyboard' | 'paste'): void => {
    if (origin !== pendingOrigin) flush();
    pendingOrigin = origin;
    pending.push(byte);
  };

  let i = 0;
  while (i < chunk.length) {
    const byte = chunk[i]!;
    if (state.name === 'paste') {
      // Everything up to ESC[201~ is pasted text; a partial end marker is held until it resolves.
      let held = [...state.held, byte];
      i++;
      while (held.length > 0 && !isPrefixOf(held, PASTE_END)) {
        emit(held[0]!, 'paste');
        held = held.slice(1);
      }
      state = held.length === PASTE_END.length ? INITIAL_KEYMAP : { name: 'paste', held };
      continue;
    }
    if (state.name === 'prefix') {
      i++;
      state = INITIAL_KEYMAP;
      if (byte === prefix) {
        emit(byte, 'keyboard');
        continue;
      }
      flush();
      const command = commandFor(byte);
      if (command) {
        actions.push({ type: 'command', command });
        return { state, actions, rest: chunk.subarray(i) };
      }
      actions.push({ type: 'unbound', key: describeByte(byte) });
      continue;
    }
    if (startsAt(chunk, i, PASTE_START)) {
      i += PASTE_START.length;
      state = { name: 'paste', held: [] };
      continue;
    }
    i++;
    if (byte === prefix) {
      flush();
      state = { name: 'prefix' };
      actions.push({ type: 'armed' });
      continue;
    }
    emit(byte, 'keyboard');
  }
  flush();
  return { state, actions, rest: chunk.subarray(chunk.length) };
}

function commandFor(byte: number): PrefixCommand | null {
  const key = String.fromCharCode(byte);
  const binding = BINDINGS.find((b) => b.key === key) ?? BINDINGS.find((b) => b.key === key.toLowerCase());
  return binding?.command ?? null;
}

function isPrefixOf(held: readonly number[], marker: readonly number[]): boolean {
  return held.length <= marker.length && held.every((b, j) => b === marker[j]);
}

function startsAt(chunk: Uint8Array, at: number, marker: readonly number[]): boolean {
  if (at + marker.length > chunk.length) return false;
  return marker.every((b, j) => chunk[at + j] === b);
}

/** A byte as people write keys: `Ctrl-]`, `Esc`, `x`. */
export function describeByte(byte: number): string {
  if (byte === 0x1b) return 'Esc';
  if (byte === 0x7f) return 'Del';
  if (byte < 0x20) return `Ctrl-${String.fromCharCode(byte + 0x40)}`;
  return String.fromCharCode(byte);
}

/**
 * Parse `--prefix`: `^]`, `C-]`, `ctrl-t`, `Ctrl-\`, or `0x1d`. Only control bytes qualify: a
 * printable prefix would swallow that character for every program on the console.
 */
export function parsePrefix(spec: string): number {
  const text = spec.trim();
  let code: number | null = null;
  const hex = /^0x([0-9a-f]{1,2})$/i.exec(text);
  const ctrl = /^(?:\^|c-|ctrl-|ctrl\+)(.)$/i.exec(text);
  if (hex) code = parseInt(hex[1]!, 16);
  else if (ctrl) code = ctrl[1]!.toUpperCase().charCodeAt(0) - 0x40;
  if (code === null || code < 1 || code > 0x1f || code === 0x1b) {
    throw new RangeError(
      `--prefix ${spec}: give a control key such as ^] (default), ^T or ^\\ (Esc cannot be one)`,
    );
  }
  return code;
}
