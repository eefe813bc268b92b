// Sentinel framing (src/inband/frame.ts): the output of one command is cut exactly at its frame
// lines, however the bytes are chunked, and nothing the console prints without the nonce can end it.

import { describe, expect, it } from 'vitest';
import { FrameScanner, framedLine, probeLine, setupLine, type FrameSegment } from '../../src/inband/frame.js';
import { dangerFromLetter } from '../../src/console/debug-keys.js';

const NONCE = 'q7zk31mfa0x2';

/** Feeds `text` in chunks of `size` and returns the body, the status and every byte seen. */
function scan(text: string, size: number, seq = 3) {
  const scanner = new FrameScanner(NONCE);
  scanner.expect(seq);
  const segments: FrameSegment[] = [];
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += size) segments.push(...scanner.push(bytes.subarray(i, i + size)));
  segments.push(...scanner.flush());
  let body = '';
  let all = '';
  let status: number | null = null;
  let order = '';
  for (const s of segments) {
    if (s.kind === 'bytes') {
      const t = Buffer.from(s.bytes).toString('latin1');
      all += t;
      if (s.part === 'body') body += t;
    } else if (s.kind === 'end') {
      status = s.status;
      order += 'E';
    } else order += 'B';
  }
  return { body, all, status, order };
}

const session = [
  '/ # _xk 3 B;xl dmesg;_xk 3 E$?\r\n', // the terminal's echo of the typed line
  `XK${NONCE} 3 B\r\n`,
  "(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n",
  '(XEN) General information for domain 0:\r\n',
  `XK${NONCE} 3 E0\r\n`,
  '/ # ',
].join('');

describe('FrameScanner', () => {
  it('cuts the body exactly, whatever the chunk size, and passes every byte through once', () => {
    for (const size of [1, 2, 3, 7, 16, 64, 4096]) {
      const { body, all, status, order } = scan(session, size);
      expect(body, `chunks of ${size}`).toBe(
        "(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n(XEN) General information for domain 0:\r\n",
      );
      expect(all).toBe(session);
      expect(status).toBe(0);
      expect(order).toBe('BE');
    }
  });

  it('ignores frame lines with another nonce or sequence number (console text cannot end a frame)', () => {
    const forged = session.replace(
      '(XEN) General',
      `XKwrongnonce12 3 E0\r\nXK${NONCE} 2 E0\r\n(d3) XK${NONCE} 3 Ex\r\n(XEN) General`,
    );
    const { body, status } = scan(forged, 5);
    expect(body).toContain('XKwrongnonce12 3 E0');
    expect(body).toContain(`XK${NONCE} 2 E0`);
    expect(body).toContain('(XEN) General information');
    expect(status).toBe(0);
  });

  it('reads the exit status, and keeps a last line that had no newline in the body', () => {
    const text = `XK${NONCE} 3 B\nxl: permission denied\nno newline here XK${NONCE} 3 E1\n`;
    const { body, status } = scan(text, 4);
    expect(status).toBe(1);
    expect(body).toBe('xl: permission denied\nno newline here ');
  });

  it('does not delay ordinary text while waiting', () => {
    const scanner = new FrameScanner(NONCE);
    scanner.expect(1);
    const out = scanner.push(Buffer.from('a prompt without a newline # '));
    expect(out).toEqual([
      { kind: 'bytes', bytes: Buffer.from('a prompt without a newline # '), part: 'outside' },
    ]);
  });

  it('never puts a frame line in the typed command', () => {
    const line = framedLine(3, 'xl dmesg');
    expect(line).not.toContain(`XK${NONCE} 3 B`);
    expect(setupLine(NONCE)).not.toMatch(new RegExp(`XK${NONCE} \\d`));
  });
});

describe('the probe line', () => {
  it('presses no dangerous key if it reaches Xen instead of a shell', () => {
    const { line, answer } = probeLine('93847561');
    for (const ch of line) expect(dangerFromLetter(ch), ch).toBeNull();
    expect(line).not.toContain(answer);
    expect(answer).toBe('xk93847561ok');
  });

  it('refuses digits that could carry a letter', () => {
    expect(() => probeLine('12ab')).toThrow(RangeError);
  });
});
