// The file a report spills a huge capture's text to (capture/text-spill.ts): each capture's rest reads back
// exactly as written — whole characters, across read blocks — only one file is made, only when needed,
// private, and removed by dispose.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTextSpill, readSpilled } from '../../src/capture/text-spill.js';

describe('text spill file', () => {
  it('reads each rest back as written, and is removed by dispose', () => {
    const spill = openTextSpill();
    // Multi-byte characters (2, 3 and 4 bytes) so read blocks fall inside them.
    const line = (i: number): string => `\n(XEN) ${i} é ✓ 😀 ${'x'.repeat(i % 97)}`;
    spill.begin();
    const first = Array.from({ length: 20_000 }, (_, i) => line(i));
    first.forEach((l) => spill.write(l));
    const a = spill.end();
    spill.begin();
    spill.write('\n(XEN) second');
    const b = spill.end();
    expect([...readSpilled(a)].join('')).toBe(first.join(''));
    expect([...spill.read(b)].join('')).toBe('\n(XEN) second');
    expect(a.spill).toBe(b.spill);
    expect(statSync(a.spill).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(a.spill)).mode & 0o777).toBe(0o700);
    spill.dispose();
    expect(existsSync(path.dirname(a.spill))).toBe(false);
    spill.dispose();
  });

  it('makes no file when nothing is spilled', () => {
    const spill = openTextSpill();
    spill.begin();
    const rest = spill.end();
    expect(rest).toMatchObject({ spill: '', length: 0 });
    expect([...spill.read(rest)]).toEqual([]);
    spill.dispose();
  });
});
