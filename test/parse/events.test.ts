import { describe, expect, it } from 'vitest';
import { EventScanner, type XenEvent } from '../../src/parse/events.js';
import { normaliseLine } from '../../src/parse/prefix.js';
import { lines } from './lines.js';

function scan(input: string[], replayFrom = Infinity): XenEvent[] {
  const s = new EventScanner();
  input.forEach((l, i) => s.push(normaliseLine(l), i, i >= replayFrom));
  return s.finish();
}

describe('events', () => {
  it('an NMI watchdog (4.17): the watchdog, then the fatal trap in the panic box, both with the call trace', () => {
    const ev = scan(
      lines(`
(XEN) Watchdog timer detects that CPU0 is stuck!
(XEN) ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----
(XEN) CPU:    0
(XEN) RIP:    e008:[<ffff82d04022c8a0>] _spin_lock+0x30/0x50
(XEN) RFLAGS: 0000000000000002   CONTEXT: hypervisor
(XEN) Xen call trace:
(XEN)    [<ffff82d04022c8a0>] R _spin_lock+0x30/0x50
(XEN)    [<ffff82d040263c2b>] S domain.c#foo+0x1b/0x40
(XEN) 
(XEN) CPU1	d0v1	e033:ffffffff81a39075 in guest
(XEN) Non-responding CPUs: {}
(XEN) 
(XEN) ****************************************
(XEN) Panic on CPU 0:
(XEN) FATAL TRAP: vec 2, NMI[0000]
(XEN) ****************************************
(XEN) 
(XEN) Reboot in five seconds...
`),
    );
    const trace = [
      { address: 'ffff82d04022c8a0', symbol: '_spin_lock+0x30/0x50' },
      { address: 'ffff82d040263c2b', symbol: 'domain.c#foo+0x1b/0x40' },
    ];
    expect(ev).toEqual([
      expect.objectContaining({
        type: 'watchdog',
        cpu: 0,
        message: 'Watchdog timer detects that CPU0 is stuck!',
        callTrace: trace,
      }),
      expect.objectContaining({
        type: 'fatal-trap',
        cpu: 0,
        message: 'FATAL TRAP: vec 2, NMI[0000]',
        callTrace: trace,
        line: 13,
        detail: { lines: ['FATAL TRAP: vec 2, NMI[0000]'] },
      }),
      // `Panic on CPU N:` is a panic whatever its cause: the same box, as a panic too.
      expect.objectContaining({ type: 'panic', cpu: 0, message: 'FATAL TRAP: vec 2, NMI[0000]', line: 13 }),
    ]);
  });

  it('the 4.4–4.13 fatal trap text over two lines, with boot timestamps', () => {
    const ev = scan(
      lines(`
(XEN) [  512.100000] ****************************************
(XEN) [  512.100001] Panic on CPU 3:
(XEN) [  512.100002] FATAL TRAP: vector = 14 (page fault)
(XEN) [  512.100003] [error_code=0000] , IN INTERRUPT CONTEXT
(XEN) [  512.100004] ****************************************
`),
    );
    expect(ev).toEqual([
      expect.objectContaining({
        type: 'fatal-trap',
        cpu: 3,
        message: 'FATAL TRAP: vector = 14 (page fault)',
        time: '512.100001',
        callTrace: null,
        detail: {
          lines: ['FATAL TRAP: vector = 14 (page fault)', '[error_code=0000] , IN INTERRUPT CONTEXT'],
        },
      }),
      expect.objectContaining({ type: 'panic', cpu: 3, message: 'FATAL TRAP: vector = 14 (page fault)' }),
    ]);
  });

  it('an assertion: its own event with the trace that follows, then the panic', () => {
    const ev = scan(
      lines(`
(XEN) Assertion 'd->is_dying' failed at common/domain.c:1234
(XEN) ----[ Xen-4.17.7  x86_64  debug=y  Not tainted ]----
(XEN) CPU:    5
(XEN) Xen call trace:
(XEN)    [<ffff82d040206d1a>] R domain_kill+0x2a/0x170
(XEN) 
(XEN) ****************************************
(XEN) Panic on CPU 5:
(XEN) Assertion 'd->is_dying' failed at common/domain.c:1234
(XEN) ****************************************
`),
    );
    expect(ev.map((e) => [e.type, e.cpu, e.callTrace?.length])).toEqual([
      ['assertion', 5, 1],
      ['panic', 5, 1],
    ]);
    expect(scan(["(XEN) Assertion 'x' failed, line 12, file foo.c"])[0]?.type).toBe('assertion');
  });

  it('dom0 crashes (4.4–4.5 and 4.6+ wording), domain watchdogs, suppressed messages', () => {
    const ev = scan(
      lines(`
(XEN) Domain 0 crashed: rebooting machine in 5 seconds.
(XEN) Hardware Dom0 crashed: 'noreboot' set - not rebooting.
(XEN) Watchdog timer fired for domain 3
(XEN) Watchdog timer 0 fired for d4
(XEN) Hardware Dom0 shutdown: watchdog rebooting machine
(XEN) printk: 37 messages suppressed.
(XEN) Domain 7 crashed: this is not dom0
`),
    );
    expect(ev.map((e) => [e.type, e.detail.count ?? null])).toEqual([
      ['dom0-crash', null],
      ['dom0-crash', null],
      ['watchdog', null],
      ['watchdog', null],
      ['watchdog', null],
      ['messages-suppressed', 37],
    ]);
  });

  it('input switches in both wordings, with their targets', () => {
    const ev = scan(
      lines(`
/ # (XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)
(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)
(XEN) *** Serial input to DOM2 (type 'CTRL-a' three times to switch input)
(XEN) *** Serial input -> Xen (type 'CTRL-a' three times to switch input to DOM0)
(XEN) *** Serial input -> DOM0 (type 'CTRL-a' three times to switch input to Xen)
(XEN) *** Serial input to DOM0
`),
    );
    expect(ev.map((e) => e.target)).toEqual(['xen', 'dom0', 'dom2', 'xen', 'dom0', 'dom0']);
    expect(ev[0]?.message).toBe("*** Serial input to Xen (type 'CTRL-a' three times to switch input)");
  });

  it('keeps a replayed event only when it was not seen live', () => {
    const ev = scan(
      [
        '(XEN) [    3.763444] *** Serial input to DOM0 (type CTRL-a)',
        '(XEN) [    1.000000] Hardware Dom0 crashed: rebooting machine in 5 seconds.',
        '(XEN) [    3.763444] *** Serial input to DOM0 (type CTRL-a)',
      ],
      1,
    );
    expect(ev.map((e) => [e.type, e.replayed])).toEqual([
      ['input-switch', false],
      ['dom0-crash', true],
    ]);
  });

  it('ignores foreign lines and does not pin a key’s trace on a later panic across a boundary', () => {
    const s = new EventScanner();
    const feed = (l: string, i: number): void => s.push(normaliseLine(l), i);
    feed('(XEN) Xen call trace:', 0);
    feed('(XEN)    [<ffff82d040206d1a>] R foo+0x2a/0x170', 1);
    feed('(XEN) ', 2);
    s.boundary();
    feed('Kernel panic - not syncing: Fatal exception', 3);
    feed('(XEN) Panic on CPU 0:', 4);
    feed('(XEN) Xen BUG at foo.c:12', 5);
    const ev = s.finish();
    expect(ev).toEqual([
      expect.objectContaining({ type: 'panic', message: 'Xen BUG at foo.c:12', callTrace: null }),
    ]);
  });
});
