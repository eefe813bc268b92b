// The prefix-key state machine: bytes pass through untouched (Ctrl-A included), the prefix arms
// one binding, prefix twice sends itself, pastes are never commands, and a chunk stops after a
// command so the rest reaches what the command opened.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BINDINGS,
  describeByte,
  feedKeys,
  INITIAL_KEYMAP,
  parsePrefix,
  type KeymapAction,
  type KeymapState,
} from '../../src/tui/keymap.js';

const PREFIX = 0x1d;
const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Feeds chunks in order, collecting actions (and re-feeding the rest after a command). */
function run(chunks: string[], prefix = PREFIX): { state: KeymapState; actions: KeymapAction[] } {
  let state = INITIAL_KEYMAP;
  const actions: KeymapAction[] = [];
  for (const chunk of chunks) {
    let bytes = b(chunk);
    while (bytes.length > 0) {
      const out = feedKeys(state, bytes, prefix);
      state = out.state;
      actions.push(...out.actions);
      bytes = out.rest;
    }
  }
  return { state, actions };
}

const sent = (actions: KeymapAction[]): string =>
  actions.map((a) => (a.type === 'send' ? Buffer.from(a.bytes).toString('latin1') : '')).join('');

describe('keymap', () => {
  it('passes Ctrl-A three times as three bytes, one send per read', () => {
    const { actions, state } = run(['\x01', '\x01', '\x01']);
    expect(actions).toEqual([1, 2, 3].map(() => ({ type: 'send', bytes: b('\x01'), origin: 'keyboard' })));
    expect(state.name).toBe('passthrough');
    expect(run(['\x01\x01\x01']).actions).toEqual([
      { type: 'send', bytes: b('\x01\x01\x01'), origin: 'keyboard' },
    ]);
  });

  it('arms on the prefix and runs the binding after it', () => {
    const { actions, state } = run(['ab\x1d', 'x']);
    expect(actions).toEqual([
      { type: 'send', bytes: b('ab'), origin: 'keyboard' },
      { type: 'armed' },
      { type: 'command', command: 'switch' },
    ]);
    expect(state.name).toBe('passthrough');
  });

  it('sends the prefix itself when pressed twice', () => {
    expect(sent(run(['\x1d\x1d']).actions)).toBe('\x1d');
    expect(sent(run(['\x1d', '\x1d', 'z']).actions)).toBe('\x1dz');
  });

  it('maps every documented binding, and says when a key has none', () => {
    for (const binding of BINDINGS) {
      expect(run([`\x1d${binding.key}`]).actions.at(-1)).toEqual({
        type: 'command',
        command: binding.command,
      });
    }
    expect(run(['\x1dX']).actions.at(-1)).toEqual({ type: 'command', command: 'switch' }); // letters ignore case
    expect(run(['\x1dz']).actions.at(-1)).toEqual({ type: 'unbound', key: 'z' });
    expect(run(['\x1d\x1b']).actions.at(-1)).toEqual({ type: 'unbound', key: 'Esc' });
  });

  it('stops at a command and hands back the rest of the read', () => {
    const out = feedKeys(INITIAL_KEYMAP, b('\x1dkq'), PREFIX);
    expect(out.actions.at(-1)).toEqual({ type: 'command', command: 'keys' });
    expect(Buffer.from(out.rest).toString('latin1')).toBe('q');
  });

  it('passes a bracketed paste as one paste, prefix and all, even split across reads', () => {
    const { actions, state } = run(['x\x1b[200~a\x1d', 'q\x1b[2', '01~y']);
    expect(state.name).toBe('passthrough');
    expect(actions.filter((a) => a.type === 'command')).toEqual([]);
    const pasted = actions.filter((a) => a.type === 'send' && a.origin === 'paste');
    expect(
      pasted.map((a) => (a.type === 'send' ? Buffer.from(a.bytes).toString('latin1') : '')).join(''),
    ).toBe('a\x1dq');
    expect(sent(actions)).toBe('xa\x1dqy');
  });

  it('keeps a false end marker inside a paste as pasted text', () => {
    expect(sent(run(['\x1b[200~\x1b[20x\x1b\x1b[201~']).actions)).toBe('\x1b[20x\x1b');
  });

  it('never loses or invents a byte without the prefix (any bytes, any split)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 8 }), (chunks) => {
        const clean = chunks.map((c) =>
          Buffer.from(c.filter((x) => x !== PREFIX && x !== 0x1b)).toString('latin1'),
        );
        expect(sent(run(clean).actions)).toBe(clean.join(''));
      }),
    );
  });

  it('parses --prefix spellings and refuses printable keys and Esc', () => {
    expect(parsePrefix('^]')).toBe(0x1d);
    expect(parsePrefix('C-t')).toBe(0x14);
    expect(parsePrefix('ctrl-\\')).toBe(0x1c);
    expect(parsePrefix('0x1d')).toBe(0x1d);
    expect(() => parsePrefix('x')).toThrow(/control key/);
    expect(() => parsePrefix('^[')).toThrow(/Esc/);
    expect(describeByte(0x1d)).toBe('Ctrl-]');
    expect(describeByte(0x01)).toBe('Ctrl-A');
  });
});
