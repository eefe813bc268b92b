// Did `xl dmesg` return all of a key's output (src/inband/ring-check.ts)? Lines from the
// recordings of real Xen 4.17 (recordings/xen-4.17-guests).

import { describe, expect, it } from 'vitest';
import { checkRing, ringKiBFrom, wrappedAdvice } from '../../src/inband/ring-check.js';

const Q = [
  "(XEN) 'q' pressed -> dumping domain info (now = 826398114145)",
  '(XEN) General information for domain 0:',
];
const R = ['(XEN) sched_smt_power_savings: disabled', '(XEN) NOW=827850092107'];

describe('checkRing', () => {
  it("finds the key's header, or its fixed first line for keys without one", () => {
    expect(checkRing('q', Q, 120, 16384)).toEqual({ verdict: 'complete', before: 0 });
    expect(checkRing('r', R, 80, 16384)).toEqual({ verdict: 'complete', before: 0 });
  });

  it('counts messages that reached the ring before the key, and still finds it', () => {
    const lines = ['(XEN) printk: 3 messages suppressed.', ...Q];
    expect(checkRing('q', lines, 160, null)).toEqual({ verdict: 'complete', before: 1 });
  });

  it('calls a read-back without its first line wrapped: mid-line start, or a full ring', () => {
    const cut = ['ral information for domain 3:', '(XEN)     refcnt=3 dying=0 pause_count=0'];
    expect(checkRing('q', cut, 100, null).verdict).toBe('wrapped');
    expect(checkRing('q', Q.slice(1), 16_000, 16_384).verdict).toBe('wrapped');
    // Another key's header is not this key's.
    expect(checkRing('d', Q, 120, 16384).verdict).toBe('wrapped');
  });

  it('says empty when the key printed nothing, and unverified for keys with no first line', () => {
    expect(checkRing('q', ['', ''], 2, 16384).verdict).toBe('empty');
    expect(checkRing('P', ['(XEN) something'], 20, 16384).verdict).toBe('unverified');
  });
});

describe('ring size and advice', () => {
  it('reads the size from the boot log and advises conring_size', () => {
    expect(ringKiBFrom(['(XEN) Allocated console ring of 16 KiB.'])).toBe(16);
    expect(ringKiBFrom(['(XEN) nothing'])).toBeNull();
    expect(wrappedAdvice('d', 16000, 16)).toMatch(
      /key 'd': Xen's console ring \(16 KiB\) wrapped.*conring_size=16M/,
    );
  });
});
