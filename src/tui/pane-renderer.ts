// The console pane: copies the headless xterm's cells (characters, colours, styles, the cursor)
// into blessed's screen buffer at render time, following the live screen or a scrollback view
// with a highlighted search match. Scrollback navigation and search live here.

import type { Widgets } from 'blessed';
import { cellAttr, FLAG, packAttr } from './cell-attrs.js';
import type { ConsoleTerminal, SearchHit } from './console-terminal.js';
import type { Key } from './key-decoder.js';

export interface ScrollState {
  /** Absolute buffer line shown on the pane's first row. */
  top: number;
  query: string;
  hit: SearchHit | null;
}

/** The parts of a blessed element the renderer touches (blessed's typings omit them). */
interface BlessedInternals {
  _render(): { xi: number; xl: number; yi: number; yl: number } | undefined;
  screen: { lines: Array<Array<[number, string]> & { dirty?: boolean }> };
  render: () => unknown;
}

const HIGHLIGHT = packAttr(0, 0, 11); // black on bright yellow

export class PaneRenderer {
  scroll: ScrollState | null = null;

  constructor(
    box: Widgets.BoxElement,
    private readonly terminal: ConsoleTerminal,
  ) {
    const el = box as unknown as BlessedInternals;
    el.render = () => {
      const coords = el._render();
      if (coords) this.draw(el.screen.lines, coords);
      return coords;
    };
  }

  enterScroll(query: string): boolean {
    this.scroll = { top: this.terminal.baseY, query: '', hit: null };
    return query === '' ? true : this.searchFrom(query);
  }

  /** Search older lines for `query`, from the bottom of the buffer. */
  searchFrom(query: string): boolean {
    const scroll = (this.scroll ??= { top: this.terminal.baseY, query, hit: null });
    scroll.query = query;
    const hit = this.terminal.search(query, this.terminal.length - 1, -1);
    if (!hit) return false;
    this.show(hit);
    return true;
  }

  /** A key in scrollback mode; returns 'exit' when leaving it. */
  scrollKey(key: Key): 'ok' | 'exit' | 'not-found' {
    const scroll = this.scroll;
    if (!scroll) return 'exit';
    const page = Math.max(1, this.terminal.rows - 1);
    const bottom = this.terminal.baseY;
    const move = (top: number): 'ok' => {
      scroll.top = Math.max(0, Math.min(bottom, top));
      return 'ok';
    };
    switch (key.name) {
      case 'up':
        return move(scroll.top - 1);
      case 'down':
        return move(scroll.top + 1);
      case 'pageup':
        return move(scroll.top - page);
      case 'pagedown':
        return move(scroll.top + page);
      case 'home':
        return move(0);
      case 'end':
        return move(bottom);
      case 'escape':
      case 'enter':
        this.scroll = null;
        return 'exit';
      case 'char':
        if (key.ch === 'q') {
          this.scroll = null;
          return 'exit';
        }
        if (key.ch === 'n' || key.ch === 'N') {
          const older = key.ch === 'n';
          const from = scroll.hit
            ? scroll.hit.line + (older ? -1 : 1)
            : older
              ? scroll.top - 1
              : scroll.top + 1;
          const hit = this.terminal.search(scroll.query, from, older ? -1 : 1);
          if (!hit) return 'not-found';
          this.show(hit);
        }
        return 'ok';
      default:
        return 'ok';
    }
  }

  describeScroll(): string {
    const scroll = this.scroll;
    if (!scroll) return '';
    const up = this.terminal.baseY - scroll.top;
    const where = up <= 0 ? 'bottom' : `${up} lines up`;
    const search = scroll.query ? ` · "${scroll.query}" n older N newer` : '';
    return `scrollback: ${where}${search} · PgUp/PgDn / Esc`;
  }

  private show(hit: SearchHit): void {
    const scroll = this.scroll!;
    scroll.hit = hit;
    scroll.top = Math.max(0, Math.min(this.terminal.baseY, hit.line - Math.floor(this.terminal.rows / 2)));
  }

  private draw(
    lines: BlessedInternals['screen']['lines'],
    coords: { xi: number; xl: number; yi: number; yl: number },
  ): void {
    const term = this.terminal;
    const live = this.scroll === null;
    const top = live ? term.baseY : this.scroll!.top;
    const hit = this.scroll?.hit ?? null;
    const cursor = term.cursor;
    const cell = term.term.buffer.active.getNullCell();
    for (let y = coords.yi; y < coords.yl; y++) {
      const row = lines[y];
      if (!row) break;
      const index = top + (y - coords.yi);
      const source = term.line(index);
      for (let x = coords.xi; x < coords.xl; x++) {
        const target = row[x];
        if (!target) break;
        const col = x - coords.xi;
        const c = source?.getCell(col, cell);
        let ch = c ? c.getChars() || ' ' : ' ';
        let attr = c ? cellAttr(c) : packAttr(0, 0x1ff, 0x1ff);
        // The trailing half of a wide character: blessed expects a space there.
        if (c && c.getWidth() === 0) ch = ' ';
        if (live && index - term.baseY === cursor.y && col === cursor.x) attr ^= FLAG.inverse << 18;
        if (hit && hit.line === index && col >= hit.col && col < hit.col + hit.length) attr = HIGHLIGHT;
        target[0] = attr;
        target[1] = ch;
      }
      row.dirty = true;
    }
  }
}
