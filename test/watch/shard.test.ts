// --shard i/n: every target lands in exactly one shard, adding a target moves nobody else, one more
// shard only takes targets (never shuffles the rest), and the rule is the documented one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardOf } from '../../src/watch/shard.js';

const names = fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/), { maxLength: 60 });

describe('shards', () => {
  it('partition the inventory: each target in exactly one shard (property)', () => {
    fc.assert(
      fc.property(names, fc.integer({ min: 1, max: 16 }), (list, count) => {
        const shares = Array.from({ length: count }, (_, index) => inShard(list, { index, count }, (n) => n));
        expect(shares.flat().sort()).toEqual([...list].sort());
      }),
    );
  });

  it('move only the added target when one is added (property)', () => {
    fc.assert(
      fc.property(
        names,
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1, max: 16 }),
        (list, extra, count) => {
          fc.pre(!list.includes(extra));
          for (let index = 0; index < count; index++) {
            const before = inShard(list, { index, count }, (n) => n);
            const after = inShard([...list, extra], { index, count }, (n) => n);
            expect(after.filter((n) => n !== extra)).toEqual(before);
          }
        },
      ),
    );
  });

  it('going from n to n+1 shards only moves targets into the new shard (property)', () => {
    fc.assert(
      fc.property(names, fc.integer({ min: 1, max: 16 }), (list, count) => {
        for (const name of list) {
          const now = shardOf(name, count + 1);
          if (now !== shardOf(name, count)) expect(now).toBe(count);
        }
      }),
    );
  });

  it('spread a fleet evenly enough', () => {
    const fleet = Array.from({ length: 2000 }, (_, i) => `host-${String(i).padStart(4, '0')}`);
    const sizes = [0, 1, 2, 3].map((index) => inShard(fleet, { index, count: 4 }, (n) => n).length);
    for (const size of sizes) expect(size).toBeGreaterThan(350);
  });

  it('follow the documented rule (vectors computed with Python hashlib)', () => {
    const vectors: Record<string, number[]> = {
      lab: [0, 2, 2, 7],
      db07: [1, 2, 3, 5],
      r740: [1, 1, 1, 5],
      'host-0001': [0, 0, 3, 3],
      ünï: [1, 2, 2, 2],
    };
    for (const [name, expected] of Object.entries(vectors))
      expect([2, 3, 4, 8].map((n) => shardOf(name, n))).toEqual(expected);
  });

  it('parse i/n with a 0-based index, and refuse anything else with a hint', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/4', '1', 'a/b', '1/4/2', ''])
      expect(() => parseShard(bad)).toThrow(/bad --shard/);
  });
});
