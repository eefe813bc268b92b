// Key output whose first lines were not captured, and messages that start mid-line. The line formats are
// Xen's (xen-console.md §4.2, §4.3, §4.7, §4.8, §5.4); the real logs of these classes are in
// public-logs-*.test.ts, these cover the starts no public log showed.

import { describe, expect, it } from 'vitest';
import { EventScanner } from '../../src/parse/events.js';
import { normaliseAll } from '../../src/parse/prefix.js';
import { splitSections } from '../../src/parse/sections.js';
import { splitStarParts } from '../../src/parse/star-parts.js';
import { lines } from './lines.js';

const keys = (text: string[]): [string, number][] =>
  splitSections(text).sections.map((s) => [s.key, s.lines.length]);

describe('output whose header was not captured', () => {
  it('an `r` from its pool lines, a `q` from its first domain, a `0` from its first vCPU: one section each', () => {
    const input = lines(`
(XEN) Cpupool 0:
(XEN) Cpus: 0-1
(XEN) Scheduler: SMP Credit Scheduler rev2 (credit2)
(XEN) CPUs info:
(XEN) CPU[00] current=d0v0, curr=d0v0, prev=NULL
(XEN) Cpupool 1:
(XEN) Cpus: 2-3
(XEN) Scheduler: SMP Credit Scheduler (credit)
(XEN) Freed 656kB init memory
(XEN) General information for domain 0:
(XEN)     refcnt=3 dying=0 pause_count=0
(XEN) General information for domain 1:
(XEN)     refcnt=3 dying=0 pause_count=0
(XEN) *** Dumping Dom0 vcpu#0 state: ***
(XEN) RIP:    e033:[<ffffffff81a39075>]
(XEN) *** Dumping Dom0 vcpu#1 state: ***
(XEN) RIP:    e033:[<ffffffff81a39075>]
`);
    // The second pool continues the `r`; a boot line ends it (r's closed grammar).
    expect(keys(input)).toEqual([
      ['r', 8],
      ['q', 4],
      ['0', 4],
    ]);
  });

  it('a `d` from `*** Dumping CPU0 host state`, its later CPUs continuing it', () => {
    const input = lines(`
(XEN) *** Dumping CPU0 host state: ***
(XEN) ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) CPU:    0
(XEN) *** Dumping CPU1 guest state (d0v1): ***
(XEN) CPU:    1
(XEN) *** Dumping CPU1 host state: ***
(XEN) CPU:    1
`);
    expect(keys(input)).toEqual([['d', 7]]);
  });
});

describe('`*` split into its keys', () => {
  it('gives each part its key, description and line range', () => {
    const input = lines(`
(XEN) '*' pressed -> firing all diagnostic keyhandlers
(XEN) [d: dump registers]
(XEN) 'd' pressed -> dumping registers
(XEN) [q: dump domain (and guest debug) info]
(XEN) 'q' pressed -> dumping domain info (now = 36579594509)
(XEN) General information for domain 0:
`);
    expect(splitStarParts(input)).toEqual([
      { key: 'd', description: 'dump registers', at: 1, from: 2, to: 3 },
      { key: 'q', description: 'dump domain (and guest debug) info', at: 3, from: 4, to: 6 },
    ]);
  });
});

describe('a message that starts mid-line', () => {
  it('a watchdog report cut into another line is still the watchdog, with its CPU', () => {
    const input = lines(`
(XEN) Freed 656kB init mem(XEN) Watchdog timer detects that CPU2 is stuck!
(XEN) ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) CPU:    2
`);
    const s = new EventScanner();
    normaliseAll(input).forEach((n, i) => s.push(n, i));
    expect(s.finish()).toEqual([
      expect.objectContaining({
        type: 'watchdog',
        cpu: 2,
        message: 'Watchdog timer detects that CPU2 is stuck!',
      }),
    ]);
  });
});
