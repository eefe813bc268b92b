// The UI's modal overlays as pure state: a menu (hotkeys choose at once, arrows + Enter too), a
// yes/no dialog whose default is No, and a one-line prompt. The screen code only draws them; what
// a key does to them is decided here, so it is unit-tested without a terminal.

import type { Key } from './key-decoder.js';

export type Tone = 'normal' | 'warn' | 'danger' | 'dim';

export interface MenuItem<T> {
  /** Pressing this character chooses the item at once. */
  hotkey?: string;
  label: string;
  detail?: string;
  tone?: Tone;
  value: T;
}

export interface MenuState<T> {
  kind: 'menu';
  title: string;
  /** Shown under the title (e.g. where the key list came from). */
  note?: string;
  items: readonly MenuItem<T>[];
  selected: number;
}

export interface ConfirmState {
  kind: 'confirm';
  title: string;
  lines: readonly string[];
  tone: Tone;
}

export interface PromptState {
  kind: 'prompt';
  title: string;
  text: string;
}

/** A read-only panel (help): arrows and PgUp/PgDn scroll it when it does not fit; other keys close it. */
export interface TextState {
  kind: 'text';
  title: string;
  lines: readonly string[];
  /** The first (wrapped) line shown; the layout clamps it to what the screen holds. */
  top?: number;
}

/** What a key does to a text panel: scroll it (a new state), or close it (null). */
export function textKey(state: TextState, key: Key, page: number): TextState | null {
  const top = state.top ?? 0;
  const to = (n: number): TextState => ({ ...state, top: Math.max(0, n) });
  switch (key.name) {
    case 'up':
      return to(top - 1);
    case 'down':
      return to(top + 1);
    case 'pageup':
      return to(top - page);
    case 'pagedown':
    case 'char':
      // Space pages down, as in a pager; any other character closes.
      return key.name === 'char' && key.ch !== ' ' ? null : to(top + page);
    case 'home':
      return to(0);
    case 'end':
      return to(Number.MAX_SAFE_INTEGER);
    default:
      return null;
  }
}

export type Outcome<T> = { type: 'choose'; value: T } | { type: 'cancel' } | null;

/** Keys that close any overlay without acting: Esc, Ctrl-C, Ctrl-G, and the UI's prefix. */
function isCancel(key: Key, prefix: number): boolean {
  if (key.name === 'escape') return true;
  if (key.name !== 'ctrl') return false;
  const code = key.ch.toUpperCase().charCodeAt(0) - 0x40;
  return code === prefix || key.ch === 'c' || key.ch === 'g';
}

export function menu<T>(title: string, items: readonly MenuItem<T>[], note?: string): MenuState<T> {
  return { kind: 'menu', title, items, selected: 0, ...(note !== undefined ? { note } : {}) };
}

export function menuKey<T>(
  state: MenuState<T>,
  key: Key,
  prefix: number,
): { state: MenuState<T>; outcome: Outcome<T> } {
  if (isCancel(key, prefix)) return { state, outcome: { type: 'cancel' } };
  const last = state.items.length - 1;
  const move = (to: number): { state: MenuState<T>; outcome: null } => ({
    state: { ...state, selected: Math.max(0, Math.min(last, to)) },
    outcome: null,
  });
  switch (key.name) {
    case 'up':
      return move(state.selected - 1);
    case 'down':
    case 'tab':
      return move(state.selected + 1);
    case 'pageup':
      return move(state.selected - 10);
    case 'pagedown':
      return move(state.selected + 10);
    case 'home':
      return move(0);
    case 'end':
      return move(last);
    case 'enter': {
      const item = state.items[state.selected];
      return { state, outcome: item ? { type: 'choose', value: item.value } : null };
    }
    case 'char': {
      // Exact case first: Xen's keys are case-sensitive ('r' run queues, 'R' reboot).
      const index = state.items.findIndex((item) => item.hotkey === key.ch);
      if (index < 0) return { state, outcome: null };
      return {
        state: { ...state, selected: index },
        outcome: { type: 'choose', value: state.items[index]!.value },
      };
    }
    default:
      return { state, outcome: null };
  }
}

export function confirm(title: string, lines: readonly string[], tone: Tone = 'danger'): ConfirmState {
  return { kind: 'confirm', title, lines, tone };
}

/** Only `y` says yes; `n`, Esc, Enter (the default) and the cancel keys say no. */
export function confirmKey(key: Key, prefix: number): boolean | null {
  if (key.name === 'char' && (key.ch === 'y' || key.ch === 'Y')) return true;
  if (key.name === 'char' && (key.ch === 'n' || key.ch === 'N')) return false;
  if (key.name === 'enter' || isCancel(key, prefix)) return false;
  return null;
}

export function prompt(title: string, text = ''): PromptState {
  return { kind: 'prompt', title, text };
}

export function promptKey(
  state: PromptState,
  key: Key,
  prefix: number,
): { state: PromptState; outcome: Outcome<string> } {
  if (isCancel(key, prefix)) return { state, outcome: { type: 'cancel' } };
  switch (key.name) {
    case 'enter':
      return { state, outcome: { type: 'choose', value: state.text } };
    case 'backspace':
      return { state: { ...state, text: [...state.text].slice(0, -1).join('') }, outcome: null };
    case 'char':
      return { state: { ...state, text: state.text + key.ch }, outcome: null };
    case 'ctrl':
      // Ctrl-U clears the line, as in a shell.
      return key.ch === 'u' ? { state: { ...state, text: '' }, outcome: null } : { state, outcome: null };
    default:
      return { state, outcome: null };
  }
}
