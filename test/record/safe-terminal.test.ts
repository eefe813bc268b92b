// The replay filter: what draws on the screen passes unchanged; what acts outside it (clipboard,
// files, titles, links) or makes the terminal answer (DSR, DA, DECRQSS, XTVERSION, DECRQM, window
// reports, ENQ) is dropped, in 7- and 8-bit forms — however the stream is cut into chunks.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SafeTerminalBytes, SafeTerminalFilter } from '../../src/record/safe-terminal.js';

const E = '\x1b';
const ST = `${E}\\`;
const safe = (text: string, hyperlinks = false): string => new SafeTerminalFilter({ hyperlinks }).push(text);

const DRAWING: Record<string, string> = {
  'SGR colours': `${E}[1;31mred${E}[0m ${E}[38;5;208m${E}[48;2;1;2;3mx${E}[m`,
  'cursor movement': `${E}[H${E}[10;20H${E}[3A${E}[2B${E}[C${E}[4D${E}[5G${E}[2;3f${E}[7d`,
  erase: `${E}[2J${E}[K${E}[1K${E}[0J${E}[3X${E}[2P${E}[4@${E}[L${E}[M`,
  'scroll region and save/restore': `${E}[1;20r${E}[s${E}[u${E}7${E}8${E}M${E}D${E}E`,
  'alternate screen, cursor shown, autowrap': `${E}[?1049h${E}[?25l${E}[?7h${E}[?1049l${E}[?25h`,
  'charset and cursor shape': `${E}(0lqk${E}(B${E}[2 q`,
  'plain C0': 'a\tb\r\nc\x08d\x07',
  'UTF-8 text': 'ünïcödé → 日本 😀',
};

const HOSTILE: Record<string, string> = {
  'OSC 52 clipboard (BEL)': `${E}]52;c;cm0gLXJmIH4K\x07`,
  'OSC 52 clipboard (ST)': `${E}]52;c;cm0gLXJmIH4K${ST}`,
  'OSC 1337 file write': `${E}]1337;File=name=Li5iYXNocmM=;inline=0:ZWNobyBwd25lZAo=\x07`,
  'OSC 0 title': `${E}]0;you have been pwned\x07`,
  'OSC 2 title': `${E}]2;title${ST}`,
  'OSC 4 colour query': `${E}]4;1;?\x07`,
  'OSC 11 background query': `${E}]11;?${ST}`,
  'OSC 8 hyperlink': `${E}]8;;https://evil.example/${ST}`,
  'DCS DECRQSS': `${E}P$qm${ST}`,
  'DCS tmux passthrough': `${E}Ptmux;${E}${E}]52;c;eA==\x07${ST}`,
  APC: `${E}_Gf=100;AAAA${ST}`,
  PM: `${E}^private${ST}`,
  SOS: `${E}Xstring${ST}`,
  'DSR status': `${E}[5n`,
  'DSR cursor position': `${E}[6n`,
  'DSR private': `${E}[?6n`,
  DA1: `${E}[c`,
  'DA1 with 0': `${E}[0c`,
  DA2: `${E}[>c`,
  DA3: `${E}[=c`,
  XTVERSION: `${E}[>q`,
  'window report': `${E}[18t`,
  'window title report': `${E}[21t`,
  'window move': `${E}[3;0;0t`,
  DECRQM: `${E}[?2004$p`,
  'DECRQM ANSI': `${E}[4$p`,
  'mouse tracking': `${E}[?1000h`,
  'bracketed paste': `${E}[?2004h`,
  'erase scrollback': `${E}[3J`,
  DECID: `${E}Z`,
  'full reset': `${E}c`,
  ENQ: '\x05',
  'modify keys': `${E}[>4;2m`,
  '8-bit CSI DSR': '\u009b6n',
  '8-bit OSC 52': '\u009d52;c;eA==\u009c',
  '8-bit DCS': '\u0090$qm\u009c',
  '8-bit APC': '\u009fpayload\u009c',
  'other C1': '\u0085\u008d',
};

describe('SafeTerminalFilter', () => {
  for (const [name, text] of Object.entries(DRAWING)) {
    it(`keeps ${name}`, () => expect(safe(`<${text}>`)).toBe(`<${text}>`));
  }

  for (const [name, text] of Object.entries(HOSTILE)) {
    it(`drops ${name}, keeping the text around it`, () => {
      expect(safe(`before ${E}[32m${text}after${E}[0m`)).toBe(`before ${E}[32mafter${E}[0m`);
    });
  }

  it('keeps OSC 8 hyperlinks only when asked', () => {
    const link = `${E}]8;;https://xenproject.org/${ST}Xen${E}]8;;${ST}`;
    expect(safe(link)).toBe('Xen');
    expect(safe(link, true)).toBe(link);
    expect(safe(`${E}]52;c;eA==\x07`, true)).toBe('');
  });

  it('turns an 8-bit CSI that draws into its 7-bit form', () => {
    expect(safe('\u009b31mred\u009b0m')).toBe(`${E}[31mred${E}[0m`);
  });

  it('spells bidi and zero-width controls out instead of applying them', () => {
    expect(safe('file\u202Etxt.exe \u2066x\u2069 a\u200Bb')).toBe(
      'file\\u202etxt.exe \\u2066x\\u2069 a\\u200bb',
    );
  });

  it('ends a sequence cut short by CAN, SUB or a new ESC, and reads on', () => {
    expect(safe(`${E}]52;c;eA==\x18visible`)).toBe('visible');
    expect(safe(`${E}[6\x1avisible`)).toBe('visible');
    expect(safe(`${E}]0;title${E}[31mred`)).toBe(`${E}[31mred`);
    expect(safe(`${E}P$q${E}[1mbold`)).toBe(`${E}[1mbold`);
  });

  it('drops an endless OSC without holding it', () => {
    const filter = new SafeTerminalFilter();
    let out = '';
    for (let i = 0; i < 100; i++)
      out += filter.push(`${E}]52;c;`.slice(i === 0 ? 0 : 7) + 'A'.repeat(10_000));
    out += filter.push(`\x07after`);
    expect(out).toBe('after');
  });

  it('gives the same output however the stream is cut into chunks', () => {
    const pieces = [...Object.values(DRAWING), ...Object.values(HOSTILE), 'plain text\r\n', '\u202e'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, cuts) => {
          const text = parts.join('');
          const whole = safe(text);
          const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const filter = new SafeTerminalFilter();
          let out = '';
          let from = 0;
          for (const to of [...at, text.length]) {
            out += filter.push(text.slice(from, to));
            from = to;
          }
          expect(out + filter.flush()).toBe(whole);
        },
      ),
    );
  });

  it('works on bytes split anywhere, mid-character and mid-sequence alike', () => {
    const text = `日本${E}]52;c;eA==\x07ü${E}[6n${E}[1mok${E}[0m😀`;
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const filter = new SafeTerminalBytes();
      const out = filter.push(bytes.subarray(0, cut)) + filter.push(bytes.subarray(cut)) + filter.flush();
      expect(out).toBe(`日本ü${E}[1mok${E}[0m😀`);
    }
  });

  it('shows invalid UTF-8 (raw 8-bit C1 bytes included) as U+FFFD, never as a control', () => {
    const filter = new SafeTerminalBytes();
    expect(filter.push(Uint8Array.from([0x41, 0x9b, 0x36, 0x6e, 0x42])) + filter.flush()).toBe('A\ufffd6nB');
  });
});
