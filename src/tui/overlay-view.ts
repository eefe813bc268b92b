// How an overlay looks: pure markup (blessed tags) and a size for a given screen, with the menu
// window scrolled so the selected item is always visible. The shell puts it in a bordered box.

import type { ConfirmState, MenuState, PromptState, TextState, Tone } from './overlay-model.js';
import { escapeTags } from './status-line.js';

export type AnyOverlay = MenuState<unknown> | ConfirmState | PromptState | TextState;

export interface OverlayLayout {
  title: string;
  /** Inner lines (markup). */
  lines: string[];
  /** Outer size including the border. */
  width: number;
  height: number;
  tone: Tone;
  /** For a text panel: the first line shown, after clamping. */
  top?: number;
}

const TONE_TAG: Readonly<Record<Tone, [string, string]>> = {
  normal: ['', ''],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  danger: ['{red-fg}{bold}', '{/bold}{/red-fg}'],
  dim: ['{gray-fg}', '{/gray-fg}'],
};

const tone = (t: Tone, text: string): string => `${TONE_TAG[t][0]}${text}${TONE_TAG[t][1]}`;

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text;
}

export function layoutOverlay(overlay: AnyOverlay, screenCols: number, screenRows: number): OverlayLayout {
  const maxWidth = Math.max(20, screenCols - 4);
  const maxInner = Math.max(3, screenRows - 4);
  switch (overlay.kind) {
    case 'menu':
      return layoutMenu(overlay, maxWidth, maxInner);
    case 'confirm': {
      // The question's end must fit: a body too tall for the screen is cut, never the y/n line.
      const room = Math.max(1, maxInner - 2);
      const body = overlay.lines.length > room ? [...overlay.lines.slice(0, room - 1), '…'] : overlay.lines;
      const lines = [...body, '', '{bold}y{/bold} yes   {bold}n{/bold} / Esc / Enter no'];
      return box(
        overlay.title,
        lines.map((l, i) => (i < body.length ? tone(overlay.tone, escapeTags(l)) : l)),
        maxWidth,
        maxInner,
        overlay.tone,
        lines,
      );
    }
    case 'prompt': {
      const lines = [
        `${escapeTags(overlay.text)}{inverse} {/inverse}`,
        '',
        '{gray-fg}Enter: OK   Esc: cancel{/gray-fg}',
      ];
      return { title: overlay.title, lines, width: Math.min(maxWidth, 64), height: 5, tone: 'normal' };
    }
    case 'text':
      return layoutText(overlay, maxWidth, maxInner);
  }
}

/**
 * A text panel wrapped to the box (so its height is its real height) and, when it is taller than the
 * screen allows, a window from `top` with a footer that says how to scroll: every line can be read.
 */
function layoutText(text: TextState, maxWidth: number, maxInner: number): OverlayLayout {
  const widest = Math.max(text.title.length + 4, ...text.lines.map((l) => [...l].length));
  const width = Math.min(maxWidth, widest + 4);
  const wrapped = text.lines.flatMap((l) => wrapLine(l, width - 4));
  if (wrapped.length <= maxInner) {
    return {
      title: text.title,
      lines: wrapped.map(escapeTags),
      width,
      height: wrapped.length + 2,
      tone: 'normal',
      top: 0,
    };
  }
  const rows = Math.max(1, maxInner - 1);
  const top = Math.min(Math.max(0, text.top ?? 0), wrapped.length - rows);
  const footer = tone(
    'dim',
    fit(`${top + 1}–${top + rows} of ${wrapped.length} · ↑↓ PgUp PgDn Space scroll · Esc closes`, width - 4),
  );
  const lines = [...wrapped.slice(top, top + rows).map(escapeTags), footer];
  return { title: text.title, lines, width, height: lines.length + 2, tone: 'normal', top };
}

/** Cut a line at spaces to `width` characters; continuation lines keep its indent. */
export function wrapLine(line: string, width: number): string[] {
  const chars = [...line];
  if (chars.length <= width || width < 8) return [line];
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const hang = indent.length + 4 < width / 2 ? `${indent}    ` : indent;
  const out: string[] = [];
  let rest = line;
  let lead = '';
  while ([...lead, ...rest].length > width) {
    const room = width - lead.length;
    const cut = rest.lastIndexOf(' ', room);
    const at = cut > indent.length ? cut : room;
    out.push(`${lead}${rest.slice(0, at).trimEnd()}`);
    rest = rest.slice(at).trimStart();
    lead = hang;
  }
  out.push(`${lead}${rest}`);
  return out;
}

function box(
  title: string,
  markup: string[],
  maxWidth: number,
  maxInner: number,
  t: Tone,
  plain: readonly string[],
): OverlayLayout {
  const widest = Math.max(title.length + 4, ...plain.map((l) => [...l].length));
  const width = Math.min(maxWidth, widest + 4);
  const lines = markup.slice(0, maxInner);
  return { title, lines, width, height: lines.length + 2, tone: t };
}

function layoutMenu(menu: MenuState<unknown>, maxWidth: number, maxInner: number): OverlayLayout {
  const head = menu.note ? [tone('dim', escapeTags(menu.note))] : [];
  const rows = Math.max(1, Math.min(menu.items.length, maxInner - head.length - 1));
  // Keep the selection in view: centre it when the list is longer than the window.
  const first = Math.max(0, Math.min(menu.items.length - rows, menu.selected - Math.floor(rows / 2)));
  const plain = menu.items.map(
    (item) => `${item.hotkey ?? ' '}  ${item.label}${item.detail ? `  ${item.detail}` : ''}`,
  );
  const width = Math.min(
    maxWidth,
    Math.max(menu.title.length + 6, (menu.note ?? '').length + 4, ...plain.map((p) => p.length + 6)),
  );
  const inner = width - 4;
  const lines = menu.items.slice(first, first + rows).map((item, i) => {
    const index = first + i;
    const text = fit(plain[index]!, inner);
    const styled = tone(item.tone ?? 'normal', escapeTags(text));
    return index === menu.selected ? `{inverse}${styled}{/inverse}` : styled;
  });
  const more =
    menu.items.length > rows
      ? `{gray-fg}${first + 1}–${first + rows} of ${menu.items.length} · ↑↓ Enter, or press a key · Esc{/gray-fg}`
      : '{gray-fg}↑↓ Enter, or press a key · Esc closes{/gray-fg}';
  const all = [...head, ...lines, more];
  return { title: menu.title, lines: all, width, height: all.length + 2, tone: 'normal' };
}
