// The help panel's text for the live console and for replay, built from the binding tables so the
// panel never disagrees with the keymap. docs/tui.md carries the same tables.

import { BINDINGS, describeByte } from './keymap.js';

export function liveHelp(prefix: number, switchCode: number): string[] {
  const p = describeByte(prefix);
  const sw = describeByte(switchCode);
  return [
    `Every key goes to the console as typed, ${sw} included: ${sw} ${sw} ${sw} is Xen's own switch.`,
    `${p} is the local prefix; ${p} ${p} sends ${p} itself. After ${p}:`,
    '',
    ...BINDINGS.filter((b) => b.key !== 'h').map((b) => `  ${b.key}   ${b.help}`),
    '',
    'The status line says where input goes: input: XEN, input: DOM0, or input: ? until Xen has said.',
    'At Xen every byte is a debug key: escape sequences, terminal replies, pastes of several',
    'characters and dangerous keys (reboot, crash dump, NMI …) are held back, and the status line',
    'says why. A dangerous key typed at Xen opens a yes/no dialog first.',
    'Key-menu captures switch to Xen, press the key, wait for its output to go quiet and switch',
    'back to where input was; the side panel shows the result.',
    'BREAK: Xen ignores BREAK on its UART; at dom0, b offers SysRq through the hvc console (Ctrl-O).',
    '',
    '↑↓ PgUp PgDn Space scroll this help when it does not fit; any other key closes it.',
  ];
}

export const REPLAY_KEYS: readonly { key: string; help: string }[] = [
  { key: 'space', help: 'pause / resume' },
  { key: '+ -', help: 'faster / slower (¼× … 64×, max)' },
  { key: 'n ]', help: 'next marker' },
  { key: 'N [', help: 'previous marker' },
  { key: 'j', help: "jump to a key's capture (menu of the key markers)" },
  { key: 'g', help: 'back to the start' },
  { key: 's', help: 'show / hide the side panel (the capture at the play position)' },
  { key: '/', help: 'search the scrollback (pauses)' },
  { key: '? h', help: 'this help' },
  { key: 'q', help: 'quit' },
];

export function replayHelp(): string[] {
  return [
    'Replaying a recording (asciicast v1/v2/v3 or a raw log). Keys:',
    '',
    ...REPLAY_KEYS.map((k) => `  ${k.key.padEnd(6)}${k.help}`),
    '',
    "Markers are the recording's own: key starts and ends, input switches, gaps, notes.",
    '↑↓ PgUp PgDn Space scroll this help when it does not fit; any other key closes it.',
  ];
}
