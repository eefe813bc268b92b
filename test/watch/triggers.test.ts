import { describe, expect, it } from 'vitest';
import { TriggerDetector, BUILTIN_TRIGGERS, type Detection } from '../../src/watch/triggers.js';
import {
  ASSERTION,
  DOM0_PANIC,
  FATAL_TRAP,
  HUNG_TASK,
  RCU_STALL,
  SOFT_LOCKUP,
  WATCHDOG,
  XEN_BUG,
  XEN_PANIC,
} from './fixtures.js';

function detector(patterns: RegExp[] = []): TriggerDetector {
  return new TriggerDetector({ builtins: new Set(BUILTIN_TRIGGERS), patterns, commandQuietMs: 2_000 });
}

function feed(d: TriggerDetector, lines: readonly string[], now = 0): Detection[] {
  d.output(now);
  return lines.flatMap((text, i) => d.line({ text, offset: i * 100 }));
}

const live = (ds: Detection[]): string[] => ds.filter((x) => x.ignored === null).map((x) => x.trigger);

describe('built-in triggers (the report detectors, line by line)', () => {
  it.each([
    ['xen-panic', XEN_PANIC],
    ['fatal-trap', FATAL_TRAP],
    ['xen-bug', XEN_BUG],
    ['assertion', ASSERTION],
    ['watchdog', WATCHDOG],
    ['dom0-panic', DOM0_PANIC],
    ['soft-lockup', SOFT_LOCKUP],
    ['rcu-stall', RCU_STALL],
    ['hung-task', HUNG_TASK],
  ])('%s fires on its text', (trigger, lines) => {
    expect(live(feed(detector(), lines))[0]).toBe(trigger);
  });

  it('a real Xen BUG gives xen-bug with its message, not a generic panic: at its BUG line, then its panic box', () => {
    const hits = feed(detector(), XEN_BUG);
    expect(hits.map((h) => [h.trigger, h.message])).toEqual([
      ['xen-bug', 'Xen BUG at xstate.c:673'],
      ['xen-bug', 'Xen BUG at xstate.c:673'],
    ]);
  });

  it("Xen's dom0 crash line is a dom0 panic too (this lab's recording)", () => {
    const hits = feed(detector(), ["(XEN) Hardware Dom0 crashed: 'noreboot' set - not rebooting."]);
    expect(live(hits)).toEqual(['dom0-panic']);
  });

  it('only the chosen built-ins fire; --on patterns fire on any line', () => {
    const d = new TriggerDetector({
      builtins: new Set(['hung-task']),
      patterns: [/Out of memory/],
      commandQuietMs: 2_000,
    });
    expect(live(feed(d, [...XEN_PANIC, ...HUNG_TASK, '[ 300.1] Out of memory: Killed process 42']))).toEqual([
      'hung-task',
      'on-1',
    ]);
  });

  it('ordinary boot and key output fires nothing', () => {
    expect(
      feed(detector(), [
        '(XEN) Xen version 4.17.7',
        "(XEN) 'q' pressed -> dumping domain info (now = 1)",
        '[    1.0] Linux version 6.1',
      ]),
    ).toEqual([]);
  });
});

describe('provenance: text dom0 replays does not start incidents', () => {
  it('Xen-prefixed alarms in the output of a command typed at dom0 are ignored (xl dmesg)', () => {
    const d = detector();
    d.commandTyped(1_000);
    const hits = feed(d, XEN_PANIC, 1_050);
    expect(hits.map((h) => h.trigger)).toEqual(['xen-panic']);
    expect(hits[0]?.ignored).toMatch(/command typed at dom0/);
  });

  it('once the command output has been quiet, Xen alarms are live again', () => {
    const d = detector();
    d.commandTyped(1_000);
    feed(d, ['xl dmesg'], 1_010);
    expect(live(feed(d, XEN_PANIC, 5_000))).toEqual(['xen-panic']);
  });

  it('a panic typed into being at dom0 counts: its kernel time is newer than any seen (echo c > sysrq-trigger)', () => {
    const d = detector();
    feed(d, ['[    7.919255] Run /init as init process'], 0);
    d.commandTyped(1_000);
    expect(live(feed(d, DOM0_PANIC, 1_010))).toEqual(['dom0-panic']);
  });

  it('dmesg replaying an older kernel line is ignored', () => {
    const d = detector();
    feed(d, ['[  400.000000] eth0: link up'], 0);
    d.commandTyped(1_000);
    const hits = feed(d, SOFT_LOCKUP, 1_010);
    expect(hits[0]?.ignored).toMatch(/older than one already seen/);
  });

  it('kernel lines with a syslog leader are always replays', () => {
    const hits = feed(detector(), [
      'Dec  2 03:00:01 host0 kernel: [  245.678901] INFO: task jbd2/xvda1-8:180 blocked for more than 120 seconds.',
    ]);
    expect(hits[0]?.ignored).toMatch(/syslog/);
  });

  it('a new boot starts kernel times again', () => {
    const d = detector();
    feed(
      d,
      [
        '[  900.000000] late line',
        '(XEN) Xen version 4.17.7 (Debian 4.17.7) (pkg-xen-devel@lists.alioth.debian.org) (gcc) debug=n',
      ],
      0,
    );
    expect(live(feed(d, SOFT_LOCKUP, 10))).toEqual(['soft-lockup']);
  });

  it("untimed dom0 text in a command's output is ignored, and --on patterns there too", () => {
    const d = new TriggerDetector({
      builtins: new Set(BUILTIN_TRIGGERS),
      patterns: [/Out of memory/],
      commandQuietMs: 2_000,
    });
    d.commandTyped(1_000);
    const hits = feed(
      d,
      ['Kernel panic - not syncing: VFS: Unable to mount root fs', 'Out of memory: Killed process 42'],
      1_010,
    );
    expect(hits.map((h) => [h.trigger, h.ignored !== null])).toEqual([
      ['dom0-panic', true],
      ['on-1', true],
    ]);
  });
});
