// Did `xl dmesg` return all of a key's output? The console ring was cleared just before the key, so
// its output starts at the ring's start — unless the key printed more than the ring holds, in which
// case Xen overwrote the oldest part, the key's own first line with it (the ring has no "lost"
// marker: xen-console.md §2.5). The first line is the key's `'K' pressed -> …` header, or for keys
// without one their fixed first line (parse/key-starts.ts); finding it proves the start is there.

import { detectStart } from '../parse/key-starts.js';
import { normaliseLine } from '../parse/prefix.js';

export type RingVerdict =
  /** The key's own first line is there: nothing was lost at the start. */
  | 'complete'
  /** The ring held nothing from the key. */
  | 'empty'
  /** The key's first line is gone: the ring wrapped and lost the start of the output. */
  | 'wrapped'
  /** The key prints no recognisable first line, and nothing else shows a loss. */
  | 'unverified';

export interface RingCheck {
  verdict: RingVerdict;
  /** Lines before the key's first line: other messages that reached the ring first. */
  before: number;
}

// Keys that print neither a header nor a fixed first line (xen-console.md §3.1): nothing to look for.
const NO_START = new Set(['P', 'L', 'T', 'O']);

/**
 * `lines`: the dmesg output, one line each. `ringBytes`: the ring's size when known (from
 * "Allocated console ring of N KiB."), `bytes`: what dmesg returned.
 */
export function checkRing(
  key: string,
  lines: readonly string[],
  bytes: number,
  ringBytes: number | null,
): RingCheck {
  const text = lines.filter((l) => l.trim() !== '');
  if (text.length === 0) return { verdict: 'empty', before: 0 };
  for (const [i, line] of lines.entries()) {
    // A line from inside the output (`General information for domain N:`) is what a wrapped ring
    // starts with: only the key's own first line proves the start is there.
    const start = detectStart(normaliseLine(line));
    if (start?.key === key && !start.continues) return { verdict: 'complete', before: i };
  }
  // A ring that is full to the brim, or output that starts mid-line, has been overwritten.
  const full = ringBytes !== null && bytes >= ringBytes * 0.9;
  const midLine = normaliseLine(text[0] ?? '').kind === 'foreign';
  if (full || midLine || !NO_START.has(key)) return { verdict: 'wrapped', before: 0 };
  return { verdict: 'unverified', before: 0 };
}

/** What to tell the user about a wrapped ring. */
export function wrappedAdvice(key: string, bytes: number, ringKiB: number | null): string {
  const size = ringKiB === null ? 'its size' : `${ringKiB} KiB`;
  return (
    `key '${key}': Xen's console ring (${size}) wrapped and lost the start of the output ` +
    `(${bytes} bytes read back); boot Xen with a larger ring, e.g. conring_size=16M, or capture ` +
    'this key on the serial console'
  );
}

const RING = /Allocated console ring of (\d+) KiB\./;

/** The ring's size from the boot log, if `xl dmesg` still holds that line. */
export function ringKiBFrom(lines: Iterable<string>): number | null {
  for (const line of lines) {
    const m = RING.exec(line);
    if (m) return Number(m[1]);
  }
  return null;
}
