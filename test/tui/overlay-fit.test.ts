// Every overlay fits the screen or scrolls: at 80×24 the help is wrapped to the box and windowed,
// with a footer that says how to scroll, and every one of its lines can be reached; a yes/no dialog
// taller than the screen keeps its answer line. And NO_COLOR drops colour from each drawn cell.

import { describe, expect, it } from 'vitest';
import { decodeKeys, type Key } from '../../src/tui/key-decoder.js';
import { confirm, textKey, type TextState } from '../../src/tui/overlay-model.js';
import { layoutOverlay, wrapLine } from '../../src/tui/overlay-view.js';
import { liveHelp } from '../../src/tui/help-text.js';
import { noColorWanted, withoutColor } from '../../src/tui/screen-compat.js';

const key = (bytes: string): Key => decodeKeys(Buffer.from(bytes))[0]!;
const untag = (l: string): string => l.replace(/\{\/?[a-z-]+\}/g, '');

describe('the help overlay at 80×24', () => {
  const help: TextState = { kind: 'text', title: 'help', lines: liveHelp(0x1d, 0x01) };

  it('fits the screen, wraps to the box, and says how to scroll', () => {
    const layout = layoutOverlay(help, 80, 24);
    expect(layout.height).toBeLessThanOrEqual(24 - 2);
    for (const line of layout.lines) expect([...untag(line)].length).toBeLessThanOrEqual(layout.width - 4);
    expect(untag(layout.lines.at(-1)!)).toMatch(/^1–\d+ of \d+ · ↑↓ PgUp PgDn Space scroll · Esc closes/);
  });

  it('reaches every line by scrolling, and closes on any other key', () => {
    let state: TextState | null = help;
    const seen = new Set<string>();
    for (let i = 0; i < 40 && state; i++) {
      const layout = layoutOverlay(state, 80, 24);
      layout.lines.slice(0, -1).forEach((l) => seen.add(untag(l)));
      state = { ...textKey(state, key('\x1b[B'), 10)!, top: layout.top! + 1 };
    }
    const all = help.lines.flatMap((l) => wrapLine(l, layoutOverlay(help, 80, 24).width - 4));
    for (const line of all) expect(seen).toContain(line);
    expect(textKey(help, key('q'), 10)).toBeNull();
    expect(textKey(help, key('\x1b'), 10)).toBeNull();
    expect(textKey(help, key(' '), 10)).toMatchObject({ top: 10 });
  });

  it('shows a short text whole, without a footer', () => {
    const layout = layoutOverlay({ kind: 'text', title: 't', lines: ['one', 'two'] }, 80, 24);
    expect(layout.lines).toEqual(['one', 'two']);
  });
});

describe('a yes/no dialog taller than the screen', () => {
  it('keeps the answer line', () => {
    const tall = confirm(
      'reboot?',
      Array.from({ length: 40 }, (_, i) => `line ${i}`),
    );
    const layout = layoutOverlay(tall, 80, 24);
    expect(layout.height).toBeLessThanOrEqual(24);
    expect(untag(layout.lines.at(-1)!)).toBe('y yes   n / Esc / Enter no');
    expect(untag(layout.lines.at(-3)!)).toBe('…');
  });
});

describe('NO_COLOR', () => {
  it('is wanted when set and not empty', () => {
    expect(noColorWanted({ NO_COLOR: '1' })).toBe(true);
    expect(noColorWanted({ NO_COLOR: '' })).toBe(false);
    expect(noColorWanted({})).toBe(false);
  });

  it('drops colours from a cell, keeping bold/inverse, and marks coloured bars inverse', () => {
    const attr = (flags: number, fg: number, bg: number): number => (flags << 18) | (fg << 9) | bg;
    expect(withoutColor(attr(1, 1, 0x1ff))).toBe(attr(1, 0x1ff, 0x1ff)); // bold red: bold
    expect(withoutColor(attr(0, 7, 0))).toBe(attr(0, 0x1ff, 0x1ff)); // white on black: plain
    expect(withoutColor(attr(0, 0, 4))).toBe(attr(8, 0x1ff, 0x1ff)); // black on blue (a bar): inverse
    expect(withoutColor(withoutColor(attr(0, 0, 4)))).toBe(attr(8, 0x1ff, 0x1ff)); // once only
  });
});
