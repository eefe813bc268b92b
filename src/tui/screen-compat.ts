// Two fixes to how blessed draws, applied once to each screen.
// 1. Box lines as Unicode (─│┌┐), never the VT100 line-drawing set: blessed switches to it with
//    SO/SI-style smacs/rmacs whenever terminfo offers them, and tmux and screen (as set up here)
//    print the raw letters instead — `lqqqk` and `x` for every border.
// 2. NO_COLOR (https://no-color.org): no colour in anything drawn — ours or the console's — while
//    bold, underline and inverse stay; a coloured (not black) background becomes inverse so bars stay
//    visible.

import type { Widgets } from 'blessed';

type Cell = [number, string];
interface ScreenInternals {
  tput: { brokenACS: boolean };
  lines: (Cell[] & { dirty?: boolean })[];
  draw(start: number, end: number): void;
}

const DEFAULT_COLORS = (0x1ff << 9) | 0x1ff;
const INVERSE = 8 << 18;

export function noColorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env['NO_COLOR'] ?? '') !== '';
}

export function applyScreenCompat(screen: Widgets.Screen, noColor = noColorWanted()): void {
  const s = screen as unknown as ScreenInternals;
  s.tput.brokenACS = true;
  if (!noColor) return;
  const draw = s.draw.bind(screen);
  s.draw = (start, end) => {
    for (let y = start; y <= end; y++) {
      const line = s.lines[y];
      if (!line?.dirty) continue;
      for (const cell of line) cell[0] = withoutColor(cell[0]);
    }
    draw(start, end);
  };
}

/** A blessed cell attribute (flags << 18 | fg << 9 | bg) with default colours. */
export function withoutColor(attr: number): number {
  const bg = attr & 0x1ff;
  const flags = attr & ~0x3ffff;
  // Black is the usual panel background: dropping it is enough. Other backgrounds mark bars.
  return (bg !== 0x1ff && bg !== 0 ? flags ^ INVERSE : flags) | DEFAULT_COLORS;
}
