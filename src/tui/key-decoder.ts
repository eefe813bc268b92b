// Keys for the UI's own menus, prompts, scrollback and replay (never for the console, which gets
// raw bytes): one terminal read split into named keys. Pure; normal and application cursor modes.

export type KeyName =
  | 'char'
  | 'enter'
  | 'escape'
  | 'backspace'
  | 'tab'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'ctrl'
  | 'unknown';

export interface Key {
  name: KeyName;
  /** The character for 'char'; the letter for 'ctrl' (`]` for Ctrl-]). */
  ch: string;
  /** How many bytes of the read it took. */
  size: number;
}

const CSI_FINAL: Readonly<Record<string, KeyName>> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
};
const CSI_TILDE: Readonly<Record<string, KeyName>> = {
  '1': 'home',
  '7': 'home',
  '4': 'end',
  '8': 'end',
  '5': 'pageup',
  '6': 'pagedown',
};

export function decodeKeys(chunk: Uint8Array): Key[] {
  const keys: Key[] = [];
  const push = (name: KeyName, ch: string, size: number): void => {
    keys.push({ name, ch, size });
  };
  let i = 0;
  while (i < chunk.length) {
    const byte = chunk[i]!;
    if (byte === 0x1b) {
      // A lone ESC (a read of its own, or ESC ESC) is the Escape key.
      const next = chunk[i + 1];
      if (next === 0x5b || next === 0x4f) {
        const m = /^[[O]([0-9;]*)([A-Za-z~])/.exec(ascii(chunk.subarray(i + 1, i + 16)));
        if (m) {
          const [whole, params = '', final = ''] = m;
          const name = final === '~' ? CSI_TILDE[params.split(';')[0] ?? ''] : CSI_FINAL[final];
          push(name ?? 'unknown', '', 1 + whole.length);
          i += 1 + whole.length;
          continue;
        }
      }
      push('escape', '', 1);
      i++;
      continue;
    }
    if (byte === 0x0d || byte === 0x0a) push('enter', '', 1);
    else if (byte === 0x09) push('tab', '', 1);
    else if (byte === 0x7f || byte === 0x08) push('backspace', '', 1);
    else if (byte < 0x20) push('ctrl', String.fromCharCode(byte + 0x40).toLowerCase(), 1);
    else {
      // One UTF-8 character (its length from the lead byte); a broken one is a byte on its own.
      const size = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      const ch = new TextDecoder().decode(chunk.subarray(i, i + size));
      push('char', ch, Math.min(size, chunk.length - i));
      i += size;
      continue;
    }
    i++;
  }
  return keys;
}

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** Is this the control key whose byte is `code` (0x1d for Ctrl-])? */
export function isControlByte(key: Key, code: number): boolean {
  return key.name === 'ctrl' && key.ch.toUpperCase().charCodeAt(0) - 0x40 === code;
}
