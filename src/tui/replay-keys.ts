// Replay's keys, pure: there is no live console to pass keys to, so single keys are commands
// (space pauses, +/- change speed, n/N and ]/[ step through markers). The prefix then q also quits.

import type { Key } from './key-decoder.js';

export type ReplayAction =
  | 'toggle'
  | 'faster'
  | 'slower'
  | 'next-marker'
  | 'previous-marker'
  | 'jump'
  | 'start'
  | 'side-panel'
  | 'search'
  | 'help'
  | 'quit';

const CHARS: Readonly<Record<string, ReplayAction>> = {
  ' ': 'toggle',
  '+': 'faster',
  '=': 'faster',
  '-': 'slower',
  _: 'slower',
  n: 'next-marker',
  ']': 'next-marker',
  N: 'previous-marker',
  '[': 'previous-marker',
  j: 'jump',
  g: 'start',
  s: 'side-panel',
  '/': 'search',
  '?': 'help',
  h: 'help',
  q: 'quit',
};

export function replayAction(key: Key): ReplayAction | null {
  if (key.name === 'char') return CHARS[key.ch] ?? null;
  if (key.name === 'right') return 'next-marker';
  if (key.name === 'left') return 'previous-marker';
  if (key.name === 'home') return 'start';
  if (key.name === 'ctrl' && key.ch === 'c') return 'quit';
  return null;
}

/** "1×", "¼×", "max" for the status line. */
export function formatSpeed(speed: number): string {
  if (speed === Infinity) return 'max';
  if (speed === 0.25) return '¼×';
  if (speed === 0.5) return '½×';
  return `${speed}×`;
}
