// Where a recording segment may end inside a chunk of console output. Pure. Preference: right after
// a line ending (both the raw and the cast segment then hold whole lines); when a segment is far past
// its size and no line ends, at the start of a character, so the cast never holds half of one.

/** Bytes at the end of `bytes` that begin a UTF-8 character the chunk does not finish (0–3). */
export function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Whether index `i` of `bytes` starts a character (or is the end of the chunk), given the stream before it. */
function startsCharacter(bytes: Uint8Array, i: number, previousIncomplete: boolean): boolean {
  if (i === 0) return !previousIncomplete;
  if (i >= bytes.length) return incompleteTail(bytes) === 0;
  return (bytes[i]! & 0xc0) !== 0x80;
}

export interface SplitRequest {
  /** The segment is due to end (size or age reached). */
  due: boolean;
  /** The segment is so far past its size that it must end in this chunk, line or not. */
  force: boolean;
  /** A key's output is being captured: the segment waits for it to end unless forced. */
  keyOpen: boolean;
  /** The previous chunk ended inside a character. */
  previousIncomplete: boolean;
  /** The previous chunk ended a line (or there was none): the segment can end before this chunk. */
  atLineStart: boolean;
}

/**
 * The index in `bytes` at which the next segment starts (0…length), or null to keep writing this one.
 * `lineEnd` says whether the split falls after a line ending.
 */
export function splitPoint(bytes: Uint8Array, req: SplitRequest): { at: number; lineEnd: boolean } | null {
  if (!req.due || (req.keyOpen && !req.force)) return null;
  if (req.atLineStart) return { at: 0, lineEnd: true };
  const nl = bytes.indexOf(0x0a);
  if (nl >= 0) return { at: nl + 1, lineEnd: true };
  if (!req.force) return null;
  for (let i = 0; i <= bytes.length; i++) {
    if (startsCharacter(bytes, i, req.previousIncomplete)) return { at: i, lineEnd: false };
  }
  return null;
}
