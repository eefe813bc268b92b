// More real console logs from public sources (test/fixtures/public, each citing its source on its first
// line): watchdogs cut into other lines or pasted without prefixes, a WARN that is no crash, a domU's
// crash that is not dom0's. Every expectation was read off the log by a person.

import { describe, expect, it } from 'vitest';
import { publicLog } from './public-logs.test.js';

describe('public logs: watchdogs', () => {
  it('4.17 watchdog starting mid-line after a row of stars, both stamped: CPU 0 at 24.247302 s', () => {
    const r = publicLog('xen-4.17-watchdog-mid-line-sync-console.log');
    expect(r.platform.xenVersion).toBe('4.17-unstable');
    expect(r.stats.timestampForms).toEqual(['boot']);
    // Its own stamp, not the stars' (24.240254); the quote ends at the RIP line: no trace.
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'watchdog',
        cpu: 0,
        message: 'Watchdog timer detects that CPU0 is stuck!',
        time: '24.247302',
        callTrace: null,
      }),
    ]);
    expect(r.findings[0]).toMatchObject({ id: 'xen-watchdog', severity: 'critical', cpu: 0 });
  });

  it('4.17.5 watchdog without prefixes, "[...]" in its dump: CPU 55 scrubbing pages, six frames', () => {
    const r = publicLog('xen-4.17-no-prefix-watchdog-cpu55-scrub.log');
    expect(r.platform.xenVersion).toBe('4.17.5-21');
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ type: 'watchdog', cpu: 55 });
    expect(r.events[0]?.callTrace?.map((f) => f.symbol)).toEqual([
      'clear_page_sse2+0x1a/0x30',
      'clear_domain_page+0x11/0x20',
      'common/page_alloc.c#alloc_heap_pages+0x400/0x5a0',
      'alloc_domheap_pages+0x67/0x180',
      'common/memory.c#populate_physmap+0x22f/0x3b0',
      'do_memory_op+0x728/0x1970',
    ]);
    expect(r.findings[0]?.headline).toMatch(/CPU 55 is stuck.* at clear_page_sse2\+0x1a\/0x30$/);
  });
});

describe('public logs: trouble that is not a Xen crash', () => {
  it('4.14.5 Qubes `Xen WARN at msi.c:433` behind date stamps: all ten lines Xen, and no crash made up', () => {
    const r = publicLog('xen-4.14-qubes-warn-msi-date-stamps.log');
    expect(r.platform.xenVersion).toBe('4.14.5');
    // The first line lost its opening bracket in the issue: still Xen's line.
    expect(r.stats.xenLines).toBe(10);
    // Xen WARN prints its state and runs on (xen-console.md §5.2).
    expect(r.events).toEqual([]);
  });

  it("XCP-ng 8.2.1 (4.13.4-9.24.1): domain 11's crash is not taken for dom0's", () => {
    const r = publicLog('xen-4.13-xcpng-domu-crash-timestamps.log');
    expect(r.platform.xenVersion).toBe('4.13.4-9.24.1');
    expect(r.stats.timestampForms).toEqual(['boot']);
    expect(r.stats.xenLines).toBe(12);
    expect(r.events.filter((e) => e.type === 'dom0-crash')).toEqual([]);
  });
});
