// The one modal overlay at a time (menu, yes/no, prompt, help text) in a centred blessed box, as
// promises: choose() resolves with the value or null, confirm() with a boolean. Keys reach it
// from the shell while it is open; what a key does is overlay-model.ts's pure decision.

import blessed from 'blessed';
import type { Widgets } from 'blessed';
import type { Key } from './key-decoder.js';
import {
  confirmKey,
  menuKey,
  promptKey,
  textKey,
  type ConfirmState,
  type MenuState,
  type PromptState,
} from './overlay-model.js';
import { layoutOverlay, type AnyOverlay } from './overlay-view.js';

interface Open {
  state: AnyOverlay;
  onKey: (key: Key) => void;
  cancel: () => void;
}

export class OverlayHost {
  private readonly box: Widgets.BoxElement;
  private open: Open | null = null;

  constructor(
    private readonly screen: Widgets.Screen,
    private readonly prefix: number,
    /** Redraw now: an overlay answers a key at once, not at the next frame. */
    private readonly redraw: () => void,
  ) {
    this.box = blessed.box({
      parent: screen,
      top: 'center',
      left: 'center',
      tags: true,
      hidden: true,
      border: { type: 'line' },
      style: { border: { fg: 'white' }, bg: 'black', fg: 'white' },
    });
  }

  get isOpen(): boolean {
    return this.open !== null;
  }

  key(key: Key): void {
    this.open?.onKey(key);
  }

  choose<T>(state: MenuState<T>): Promise<T | null> {
    return new Promise((resolve) => {
      let current = state;
      this.show(
        current,
        (key) => {
          const { state: next, outcome } = menuKey(current, key, this.prefix);
          current = next;
          if (this.open) this.open.state = next as MenuState<unknown>;
          if (outcome) this.close(() => resolve(outcome.type === 'choose' ? outcome.value : null));
          else this.redraw();
        },
        () => resolve(null),
      );
    });
  }

  confirm(state: ConfirmState): Promise<boolean> {
    return new Promise((resolve) => {
      this.show(
        state,
        (key) => {
          const answer = confirmKey(key, this.prefix);
          if (answer !== null) this.close(() => resolve(answer));
        },
        () => resolve(false),
      );
    });
  }

  ask(state: PromptState): Promise<string | null> {
    return new Promise((resolve) => {
      let current = state;
      this.show(
        current,
        (key) => {
          const { state: next, outcome } = promptKey(current, key, this.prefix);
          current = next;
          if (this.open) this.open.state = next;
          if (outcome) this.close(() => resolve(outcome.type === 'choose' ? outcome.value : null));
          else this.redraw();
        },
        () => resolve(null),
      );
    });
  }

  /** A read-only panel: scrolls with the arrows, PgUp/PgDn and Space when taller than the screen. */
  showText(title: string, lines: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
      this.show(
        { kind: 'text', title, lines },
        (key) => {
          const open = this.open;
          if (!open || open.state.kind !== 'text') return;
          const page = Math.max(1, (Number(this.screen.height) || 24) - 6);
          const next = textKey(open.state, key, page);
          if (next === null) this.close(resolve);
          else {
            open.state = next;
            this.redraw();
          }
        },
        resolve,
      );
    });
  }

  /** Close the open overlay as if cancelled (a capture finishing, quitting). */
  cancel(): void {
    const open = this.open;
    if (open) this.close(open.cancel);
  }

  /** Lay the box out for the current screen size; called on every frame. */
  draw(): void {
    if (!this.open) return;
    const cols = Number(this.screen.width) || 80;
    const rows = Number(this.screen.height) || 24;
    const layout = layoutOverlay(this.open.state, cols, rows);
    // Keep the scroll position inside the text, so ↑ answers at once after End or a long ↓.
    if (this.open.state.kind === 'text' && layout.top !== undefined)
      this.open.state = { ...this.open.state, top: layout.top };
    this.box.width = layout.width;
    this.box.height = layout.height;
    this.box.setLabel(` ${layout.title.trim()} `);
    this.box.style.border.fg = layout.tone === 'danger' ? 'red' : layout.tone === 'warn' ? 'yellow' : 'white';
    this.box.setContent(layout.lines.map((l) => ` ${l}`).join('\n'));
    this.box.show();
    this.box.setFront();
  }

  private show(state: AnyOverlay, onKey: (key: Key) => void, cancel: () => void): void {
    this.cancel();
    this.open = { state, onKey, cancel };
    this.redraw();
  }

  private close(then: () => void): void {
    this.open = null;
    this.box.hide();
    this.redraw();
    then();
  }
}
