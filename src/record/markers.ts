// The label grammar of marker ('m') events, pure. Labels are meant for people first: asciinema's
// player shows them as chapters. Every label formatMarker writes parses back to the same marker,
// and any other text parses as a note.

export type Marker =
  | { type: 'key-start'; key: string; description: string | null }
  | { type: 'key-end'; key: string; lines: number; bytes: number; reason: string }
  | { type: 'switch-request'; to: string | null }
  | { type: 'input'; target: string }
  | { type: 'gap'; reason: string }
  | { type: 'note'; text: string };

/*
 * Grammar (K is exactly one character, any character, so `key :: x` is key ':' with text 'x'):
 *   key K                                   key-start, no description
 *   key K: DESCRIPTION                      key-start
 *   key K end: N line(s), M byte(s) (REASON)  key-end
 *   switch requested [-> TO]                switch-request
 *   input TARGET                            input
 *   gap[: REASON]                           gap
 *   note: TEXT                              note whose text would otherwise read as another form
 *   anything else                           note
 */
const KEY = /^key (.)(.*)$/su;
const KEY_END = /^ end: (\d+) lines?, (\d+) bytes? \((.*)\)$/su;
const SWITCH = /^switch requested(?: -> (.*))?$/su;
const INPUT = /^input (.*)$/su;
const GAP = /^gap(?:: (.*))?$/su;
const NOTE = /^note: (.*)$/su;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatMarker(marker: Marker): string {
  switch (marker.type) {
    case 'key-start':
      checkKey(marker.key);
      return marker.description === null ? `key ${marker.key}` : `key ${marker.key}: ${marker.description}`;
    case 'key-end':
      checkKey(marker.key);
      return `key ${marker.key} end: ${plural(count(marker.lines), 'line')}, ${plural(count(marker.bytes), 'byte')} (${marker.reason})`;
    case 'switch-request':
      return marker.to === null ? 'switch requested' : `switch requested -> ${marker.to}`;
    case 'input':
      return `input ${marker.target}`;
    case 'gap':
      return marker.reason === '' ? 'gap' : `gap: ${marker.reason}`;
    case 'note': {
      // Plain text unless it would be mistaken for another marker (or for an escaped note).
      const reread = parseMarker(marker.text);
      return reread.type === 'note' && reread.text === marker.text ? marker.text : `note: ${marker.text}`;
    }
  }
}

export function parseMarker(label: string): Marker {
  const key = KEY.exec(label);
  if (key) {
    const [, k = '', rest = ''] = key;
    if (rest === '') return { type: 'key-start', key: k, description: null };
    if (rest.startsWith(': ')) return { type: 'key-start', key: k, description: rest.slice(2) };
    const end = KEY_END.exec(rest);
    if (end) {
      const [, lines = '0', bytes = '0', reason = ''] = end;
      return { type: 'key-end', key: k, lines: Number(lines), bytes: Number(bytes), reason };
    }
    return { type: 'note', text: label };
  }
  const sw = SWITCH.exec(label);
  if (sw) return { type: 'switch-request', to: sw[1] ?? null };
  const input = INPUT.exec(label);
  if (input) return { type: 'input', target: input[1] ?? '' };
  const gap = GAP.exec(label);
  if (gap) return { type: 'gap', reason: gap[1] ?? '' };
  const note = NOTE.exec(label);
  if (note) return { type: 'note', text: note[1] ?? '' };
  return { type: 'note', text: label };
}

/** Xen debug keys are single characters; a longer "key" could not be parsed back. */
function checkKey(key: string): void {
  if ([...key].length !== 1)
    throw new RangeError(`a marker key must be one character, got ${JSON.stringify(key)}`);
}

/** Counts print as plain integers so the grammar's \d+ reads them back. */
const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
