// Colours and styles of a headless-xterm cell in blessed's packed attribute format
// ((flags << 18) | (fg << 9) | bg, 0x1ff = default colour), so the console pane can copy cells
// straight into blessed's screen buffer. Pure; true colour is mapped to the 256-colour palette.

import type { IBufferCell } from '@xterm/headless';

export const DEFAULT_COLOR = 0x1ff;
export const DEFAULT_ATTR = (DEFAULT_COLOR << 9) | DEFAULT_COLOR;

export const FLAG = { bold: 1, underline: 2, blink: 4, inverse: 8, invisible: 16 } as const;

export function packAttr(flags: number, fg: number, bg: number): number {
  return (flags << 18) | (fg << 9) | bg;
}

export function cellAttr(cell: IBufferCell): number {
  let flags = 0;
  if (cell.isBold()) flags |= FLAG.bold;
  if (cell.isUnderline()) flags |= FLAG.underline;
  if (cell.isBlink()) flags |= FLAG.blink;
  if (cell.isInverse()) flags |= FLAG.inverse;
  if (cell.isInvisible()) flags |= FLAG.invisible;
  const fg = cell.isFgDefault()
    ? DEFAULT_COLOR
    : cell.isFgRGB()
      ? rgbTo256(cell.getFgColor())
      : cell.getFgColor();
  const bg = cell.isBgDefault()
    ? DEFAULT_COLOR
    : cell.isBgRGB()
      ? rgbTo256(cell.getBgColor())
      : cell.getBgColor();
  return packAttr(flags, fg, bg);
}

/** The nearest xterm-256 colour (6×6×6 cube or grey ramp) to 0xRRGGBB. */
export function rgbTo256(rgb: number): number {
  const r = (rgb >> 16) & 0xff;
  const g = (rgb >> 8) & 0xff;
  const b = rgb & 0xff;
  const level = (v: number): number => (v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40)));
  const steps = [0, 95, 135, 175, 215, 255];
  const [lr, lg, lb] = [level(r), level(g), level(b)];
  const cube = 16 + 36 * lr + 6 * lg + lb;
  const cubeDistance = (steps[lr]! - r) ** 2 + (steps[lg]! - g) ** 2 + (steps[lb]! - b) ** 2;
  const grey = Math.max(0, Math.min(23, Math.round(((r + g + b) / 3 - 8) / 10)));
  const greyValue = 8 + grey * 10;
  const greyDistance = (greyValue - r) ** 2 + (greyValue - g) ** 2 + (greyValue - b) ** 2;
  return greyDistance < cubeDistance ? 232 + grey : cube;
}
