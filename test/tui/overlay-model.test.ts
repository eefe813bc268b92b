// Menus, the yes/no dialog and the prompt as pure state, with keys decoded from real terminal
// bytes (normal and application cursor modes): hotkeys are case-sensitive, No is the default.

import { describe, expect, it } from 'vitest';
import { decodeKeys, isControlByte, type Key } from '../../src/tui/key-decoder.js';
import { confirmKey, menu, menuKey, prompt, promptKey, type MenuState } from '../../src/tui/overlay-model.js';
import { layoutOverlay } from '../../src/tui/overlay-view.js';
import { replayAction } from '../../src/tui/replay-keys.js';

const PREFIX = 0x1d;
const keys = (s: string): Key[] => decodeKeys(Buffer.from(s, 'utf8'));
const key = (s: string): Key => keys(s)[0]!;

describe('decodeKeys', () => {
  it('names arrows in both cursor modes, paging keys, Enter, Esc and control keys', () => {
    expect(keys('\x1b[A\x1bOB\x1b[5~\x1b[6~\x1b[H\x1b[4~\r\x7f\t').map((k) => k.name)).toEqual([
      'up',
      'down',
      'pageup',
      'pagedown',
      'home',
      'end',
      'enter',
      'backspace',
      'tab',
    ]);
    expect(keys('\x1b')).toEqual([{ name: 'escape', ch: '', size: 1 }]);
    expect(keys('\x1b\x1b[B').map((k) => k.name)).toEqual(['escape', 'down']);
    expect(keys('aé😀')).toEqual([
      { name: 'char', ch: 'a', size: 1 },
      { name: 'char', ch: 'é', size: 2 },
      { name: 'char', ch: '😀', size: 4 },
    ]);
    // Sizes add up to the read, so what follows a closing overlay can be handed on intact.
    expect(keys('\x1b[5~x\x1dq').map((k) => k.size)).toEqual([4, 1, 1, 1]);
    expect(isControlByte(key('\x1d'), 0x1d)).toBe(true);
    expect(isControlByte(key('\x14'), 0x14)).toBe(true);
    expect(isControlByte(key('\x14'), 0x1d)).toBe(false);
  });
});

describe('menu', () => {
  const items = [
    { hotkey: 'r', label: 'dump run queues', value: 'r' },
    { hotkey: 'R', label: 'reboot machine', value: 'R', tone: 'danger' as const },
    { hotkey: 'q', label: 'dump domain info', value: 'q' },
  ];

  it('chooses by hotkey, case-sensitively', () => {
    expect(menuKey(menu('keys', items), key('R'), PREFIX).outcome).toEqual({ type: 'choose', value: 'R' });
    expect(menuKey(menu('keys', items), key('r'), PREFIX).outcome).toEqual({ type: 'choose', value: 'r' });
    expect(menuKey(menu('keys', items), key('x'), PREFIX).outcome).toBeNull();
  });

  it('moves with arrows (clamped) and chooses with Enter', () => {
    let state: MenuState<string> = menu('keys', items);
    for (const k of keys('\x1b[B\x1b[B\x1b[B')) state = menuKey(state, k, PREFIX).state;
    expect(state.selected).toBe(2);
    state = menuKey(state, key('\x1b[A'), PREFIX).state;
    expect(menuKey(state, key('\r'), PREFIX).outcome).toEqual({ type: 'choose', value: 'R' });
  });

  it('closes on Esc, Ctrl-C and the prefix', () => {
    for (const k of ['\x1b', '\x03', '\x1d']) {
      expect(menuKey(menu('keys', items), key(k), PREFIX).outcome).toEqual({ type: 'cancel' });
    }
  });

  it('keeps the selection in the visible window of a long menu', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ label: `item ${i}`, value: i }));
    const state = { ...menu('long', many), selected: 35 };
    const layout = layoutOverlay(state, 80, 24);
    expect(layout.height).toBeLessThanOrEqual(24);
    expect(layout.lines.join('\n')).toContain('{inverse}   item 35{/inverse}');
    expect(layout.lines.at(-1)).toMatch(/of 40/);
  });
});

describe('confirm and prompt', () => {
  it('says yes only to y; Enter, n and Esc say no', () => {
    expect(confirmKey(key('y'), PREFIX)).toBe(true);
    expect(confirmKey(key('Y'), PREFIX)).toBe(true);
    for (const k of ['n', '\r', '\x1b', '\x1d']) expect(confirmKey(key(k), PREFIX)).toBe(false);
    expect(confirmKey(key('x'), PREFIX)).toBeNull();
  });

  it('edits a line: type, backspace, Ctrl-U, Enter', () => {
    let state = prompt('marker');
    for (const k of keys('abc\x7fd')) state = promptKey(state, k, PREFIX).state;
    expect(state.text).toBe('abd');
    expect(promptKey(state, key('\r'), PREFIX).outcome).toEqual({ type: 'choose', value: 'abd' });
    expect(promptKey(state, key('\x15'), PREFIX).state.text).toBe('');
    expect(promptKey(state, key('\x1b'), PREFIX).outcome).toEqual({ type: 'cancel' });
  });
});

describe('replay keys', () => {
  it('maps single keys to player actions', () => {
    expect(keys(' +-n]N[jgs/?hq').map(replayAction)).toEqual([
      'toggle',
      'faster',
      'slower',
      'next-marker',
      'next-marker',
      'previous-marker',
      'previous-marker',
      'jump',
      'start',
      'side-panel',
      'search',
      'help',
      'help',
      'quit',
    ]);
    expect(replayAction(key('\x1b[C'))).toBe('next-marker');
    expect(replayAction(key('z'))).toBeNull();
  });
});
