// One huge key section must not hold its text in memory (issue 10). A capture keeps the first
// PARSE_WINDOW_CHARS of its lines in memory — its `text` there, and what its parser reads — and its
// lines past that window go, as they come, to a TextSpill the caller gives the builder (a private file:
// capture/text-spill.ts). The capture carries where they went (`textRest`), and a renderer copies them into
// the output in pieces (RestReader): the report still holds every line of the text, verbatim.

/** Where a capture's lines past the window are: a range of a spill, in the spill's own units. */
export interface TextRest {
  /** Which spill (a file's path for a file spill), so another thread can read it too. */
  spill: string;
  at: number;
  length: number;
}

/** The rest's text in pieces, in order: each line past the window as `\n` + line. */
export type RestReader = (rest: TextRest) => Iterable<string>;

/** Text put aside outside memory, one capture's rest at a time. */
export interface TextSpill {
  /** A capture's rest starts: what is written until `end` is that rest. */
  begin(): void;
  write(text: string): void;
  /** Where the rest went, all of it written out (a reader on another thread can read it now). */
  end(): TextRest;
  read: RestReader;
}

/** Characters of a capture's lines kept in memory and parsed; the lines past them are spilled. */
export const PARSE_WINDOW_CHARS = 4 * 1024 * 1024;

/** A capture's whole text, in pieces: its head in memory, then its rest read back. */
export function* wholeText(
  capture: { text: string; textRest?: TextRest },
  read: RestReader | undefined,
): Generator<string> {
  yield capture.text;
  if (!capture.textRest) return;
  if (!read) throw new Error('a capture with spilled text needs its spill to be rendered');
  yield* read(capture.textRest);
}

/** A spill in memory (tests, and callers with no file to spill to): bounded by nothing. */
export function memorySpill(): TextSpill {
  const pieces: string[] = [];
  let from = 0;
  return {
    begin: () => void (from = pieces.length),
    write: (text) => void pieces.push(text),
    end: () => ({ spill: 'memory', at: from, length: pieces.length - from }),
    read: (rest) => pieces.slice(rest.at, rest.at + rest.length),
  };
}
