// The console pane's model: a headless xterm fed raw bytes (read only after its write callback),
// cell colours in blessed's packed format, scrollback search, terminal replies, and redraws
// coalesced into one per frame however many chunks arrive.

import { describe, expect, it } from 'vitest';
import { cellAttr, DEFAULT_ATTR, FLAG, packAttr, rgbTo256 } from '../../src/tui/cell-attrs.js';
import { ConsoleTerminal } from '../../src/tui/console-terminal.js';
import { RenderScheduler, type FrameTimers } from '../../src/tui/render-scheduler.js';

describe('ConsoleTerminal', () => {
  it('applies colours, cursor movement and clearing from the byte stream', async () => {
    const t = new ConsoleTerminal(40, 5);
    await t.write(
      Buffer.from('plain \x1b[1;31mred\x1b[0m \x1b[44mblue-bg\x1b[0m\r\n\x1b[38;2;255;255;0mrgb\x1b[0m'),
    );
    const line = t.line(0)!;
    expect(cellAttr(line.getCell(0)!)).toBe(DEFAULT_ATTR);
    expect(cellAttr(line.getCell(6)!)).toBe(packAttr(FLAG.bold, 1, 0x1ff));
    expect(cellAttr(line.getCell(10)!)).toBe(packAttr(0, 0x1ff, 4));
    expect(cellAttr(t.line(1)!.getCell(0)!)).toBe(packAttr(0, 226, 0x1ff));
    await t.write('\x1b[2J\x1b[3;5Hhere');
    expect(t.screenText()).toEqual(['', '', '    here', '', '']);
    expect(t.cursor).toEqual({ x: 8, y: 2 });
    t.dispose();
  });

  it('joins UTF-8 split across writes, and resizes', async () => {
    const t = new ConsoleTerminal(20, 3);
    const euro = Buffer.from('€');
    await t.write(euro.subarray(0, 1));
    await t.write(euro.subarray(1));
    expect(t.text(0)).toBe('€');
    t.resize(10, 2);
    expect([t.cols, t.rows]).toEqual([10, 2]);
    t.dispose();
  });

  it('answers a cursor-position query through onReply', async () => {
    const t = new ConsoleTerminal(20, 5);
    const replies: string[] = [];
    t.onReply((data) => replies.push(data));
    await t.write('ab\x1b[6n');
    expect(replies).toEqual(['\x1b[1;3R']);
    t.dispose();
  });

  it('searches the scrollback upwards and downwards, case-insensitively', async () => {
    const t = new ConsoleTerminal(30, 4, 100);
    await t.write(
      Array.from({ length: 20 }, (_, i) => `line ${i}${i === 3 || i === 12 ? ' Match' : ''}`).join('\r\n'),
    );
    expect(t.baseY).toBe(16);
    expect(t.search('match', t.length - 1, -1)).toEqual({ line: 12, col: 8, length: 5 });
    expect(t.search('match', 11, -1)).toEqual({ line: 3, col: 7, length: 5 });
    expect(t.search('match', 4, 1)?.line).toBe(12);
    expect(t.search('nothing', t.length - 1, -1)).toBeNull();
    await t.reset();
    expect(t.search('match', t.length - 1, -1)).toBeNull();
    t.dispose();
  });

  it('maps true colour to the nearest of the 256', () => {
    expect(rgbTo256(0xff0000)).toBe(196);
    expect(rgbTo256(0x000000)).toBe(16);
    expect(rgbTo256(0x808080)).toBe(244);
  });
});

class ManualFrames implements FrameTimers {
  pending = new Map<number, () => void>();
  private next = 1;
  setTimeout(fn: () => void): unknown {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const fn of due) fn();
  }
}

describe('RenderScheduler', () => {
  it('turns a burst of requests into one render per frame', () => {
    const frames = new ManualFrames();
    let renders = 0;
    const scheduler = new RenderScheduler(() => renders++, 16, frames);
    for (let i = 0; i < 10_000; i++) scheduler.request();
    expect(renders).toBe(0);
    frames.fire();
    expect(renders).toBe(1);
    scheduler.request();
    scheduler.now(); // a key press renders at once and cancels the pending frame
    frames.fire();
    expect(renders).toBe(2);
    expect([scheduler.renders, scheduler.requests]).toEqual([2, 10_001]);
    scheduler.dispose();
    scheduler.request();
    frames.fire();
    expect(renders).toBe(2);
  });
});
