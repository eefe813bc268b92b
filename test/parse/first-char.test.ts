// The first-character gate must never change which rule matches a line, only how fast: against the
// plain first-match scan, on patterns of the shapes the scanners use and on awkward ones.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirstCharRules, firstChars } from '../../src/parse/first-char.js';

const PATTERNS: RegExp[] = [
  /^Xen version (\d+)/,
  /^(No NUMA configuration found|NUMA turned off)/,
  /^(?:SRAT: .*Node|NUMA: Node) (\d+)/,
  /^\*\*\*? Building a (PVH?) Dom(\d+)/,
  /^(PHYSICAL MEMORY ARRANGEMENT:|\s*Dom0 kernel: \d+-bit)/,
  /^\s*Dom0 alloc\.:/,
  /^\*\*\* Serial input (?:to|->) (Xen|DOM(\d+))/i,
  /^'(.)' pressed -> ?(.*)$/,
  /^\[(.): (.+)\]$/,
  /^a|b/,
  /^(?:a|b)?c/,
  /^x*y/,
  /^\s+z/,
  /^[ab]c/,
  /^\\d/,
  /^é/,
  /Xen/,
  /^\(XEN\)/,
];

const texts = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\u00a0', '\u3000', 'a', 'B', 'x', 'X', '*', '(', '[', '\\', 'é', 'N'),
      fc.constantFrom(
        '',
        'Xen version 4',
        'NUMA turned off',
        '** Building a PV Dom0',
        'Dom0 alloc.:',
        'c',
        'y',
      ),
      fc.constantFrom('', "'q' pressed -> x", '[d: dump]', '*** SERIAL INPUT to Xen', 'bc', 'z'),
    )
    .map((parts) => parts.join('')),
);

describe('FirstCharRules', () => {
  it('matches the rule a first-match scan of every rule matches, for any line', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(PATTERNS, { minLength: 1 }), texts, (patterns, text) => {
        const rules = new FirstCharRules(patterns.map((re, i) => [re, i] as const));
        const plain = patterns.findIndex((re) => re.test(text));
        expect(rules.match(text)?.value ?? -1).toBe(plain);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads first characters from anchored patterns, and gives up when it cannot be sure', () => {
    const chars = (re: RegExp): string | null => {
      const set = firstChars(re);
      return set === null
        ? null
        : [...set]
            .map((c) => String.fromCharCode(c))
            .sort()
            .join('');
    };
    expect(chars(/^Xen version/)).toBe('X');
    expect(chars(/^(No NUMA|NUMA off)/)).toBe('N');
    expect(chars(/^\*\*\*? Building/)).toBe('*');
    expect(chars(/^\*\*\* serial/i)).toBe('*');
    expect(chars(/^xen/i)).toBe('Xx');
    expect(chars(/^\s*Dom0/)).toContain('D');
    expect(chars(/^a|b/)).toBeNull();
    expect(chars(/^(?:a|b)?c/)).toBeNull();
    expect(chars(/^x*y/)).toBeNull();
    expect(chars(/^[ab]/)).toBeNull();
    expect(chars(/Xen/)).toBeNull();
  });
});
