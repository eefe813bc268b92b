// Keys h, m, H, u, e, i: real 4.17 output and older forms from the reference.

import { describe, expect, it } from 'vitest';
import { parseEvtchn } from '../../src/parse/keys/evtchn.js';
import { parseHandlerList } from '../../src/parse/keys/handler-list.js';
import { parseHeap } from '../../src/parse/keys/heap.js';
import { parseIrqs } from '../../src/parse/keys/irqs.js';
import { parseMemory } from '../../src/parse/keys/memory.js';
import { parseNuma } from '../../src/parse/keys/numa.js';
import { lines } from './lines.js';

describe('h', () => {
  it('lists handlers, the non-printable ones by their ascii code, and keeps a 4.21 version block aside', () => {
    const h = parseHandlerList(
      lines(`
(XEN) 'h' pressed -> showing installed handlers
(XEN) Xen version 4.21.0 (user@example) (gcc (GCC) 13.2.0) debug=n Mon Jan  1 00:00:00 UTC 2026
(XEN)  key '%' (ascii '25') => trap to xendbg
(XEN)  key ' ' (ascii '01') => weird
(XEN)  key 'w' (ascii '77') => synchronously dump console ring buffer (dmesg)
`),
    );
    expect(h.handlers).toEqual([
      { key: '%', description: 'trap to xendbg' },
      { key: '\u0001', description: 'weird' },
      { key: 'w', description: 'synchronously dump console ring buffer (dmesg)' },
    ]);
    expect(h.unrecognised).toHaveLength(1);
  });
});

describe('m and H', () => {
  it('m: free memory per heap and zone (the same in all versions)', () => {
    const m = parseMemory(
      lines(`
(XEN) Physical memory information:
(XEN)     Xen heap: 0kB free
(XEN)     heap[05]: 1024kB free
(XEN)     heap[19]: 308580kB free
(XEN)     DMA heap: 2048kB free
(XEN)     Dom heap: 766308kB free
`),
    );
    expect(m).toEqual({
      domHeapFreeKiB: 766308,
      heapFreeKiB: { '5': 1024, '19': 308580 },
      xenHeapFreeKiB: 0,
      dmaHeapFreeKiB: 2048,
      unrecognised: [],
    });
  });

  it('H: pages per node and zone, 4.4 header and 4.10+ unscrubbed counts', () => {
    const h = parseHeap(
      lines(`
(XEN) 'H' pressed -> dumping heap info (now-0x1A:2B3C4D5E)
(XEN) heap[node=0][zone=15] -> 16128 pages
(XEN) heap[node=1][zone=19] -> 77145 pages
(XEN) Node 0 has 512 unscrubbed pages
`),
    );
    expect(h.unrecognised).toEqual([]);
    expect(h.totalPages).toBe(93273);
    expect(h.unscrubbed).toEqual([{ node: 0, pages: 512 }]);
  });
});

describe('u', () => {
  it('reads 4.17 (real output)', () => {
    const u = parseNuma(
      lines(`
(XEN) 'u' pressed -> dumping numa info (now = 31705612105)
(XEN) NODE0 start->0 size->393184 free->191577
(XEN) CPU0...1 -> NODE0
(XEN) Memory location of each domain:
(XEN) Domain 0 (total: 196608):
(XEN)     Node 0: 196608
`),
    );
    expect(u).toEqual({
      nodes: [{ id: 0, startPfn: 0, sizePages: 393184, freePages: 191577 }],
      domains: [{ id: 0, totalPages: 196608, pagesByNode: { '0': 196608 } }],
      cpuNodes: { '0': 0, '1': 0 },
      mismatches: [],
      unrecognised: [],
    });
  });

  it('reads 4.4 (`idx%d -> NODE%d`, one CPU per line) and 4.18+ (`%pd (total: …)`, vNUMA layout)', () => {
    const old = parseNuma(
      lines(`
(XEN) 'u' pressed -> dumping numa info (now-0x1A:2B3C4D5E)
(XEN) idx0 -> NODE0 start->0 size->2097152 free->1000
(XEN) idx1 -> NODE1 start->2097152 size->2097152 free->2000
(XEN) phys_to_nid(0000000000001000) -> 1 should be 0
(XEN) CPU0 -> NODE0
(XEN) CPU1 -> NODE1
`),
    );
    expect(old.unrecognised).toEqual([]);
    expect(old.nodes.map((n) => [n.id, n.freePages])).toEqual([
      [0, 1000],
      [1, 2000],
    ]);
    expect(old.cpuNodes).toEqual({ '0': 0, '1': 1 });
    expect(old.mismatches).toHaveLength(1);
    const next = parseNuma(
      lines(`
(XEN) d1 (total: 262144):
(XEN)     Node 0: 131072
(XEN)     Node 1: 131072
(XEN)      2 vnodes, 2 vcpus, guest physical layout:
(XEN)          0: pnode   0, vcpus 0
(XEN)            0000000000000000 - 0000000020000000
`),
    );
    expect(next.unrecognised).toEqual([]);
    expect(next.domains).toEqual([{ id: 1, totalPages: 262144, pagesByNode: { '0': 131072, '1': 131072 } }]);
  });
});

describe('e', () => {
  it('reads ports of every state, FIFO and 2-level selectors', () => {
    const e = parseEvtchn(
      lines(`
(XEN) 'e' pressed -> dumping event-channel info
(XEN) Event channel information for domain 0:
(XEN) Polling vCPUs: {}
(XEN)     port [p/m/s]
(XEN)        1 [1/0/  0   ]: s=5 n=0 x=0 v=0
(XEN)       13 [0/0/  -   ]: s=2 n=1 x=0 d=0
(XEN)       15 [0/0/  -   ]: s=4 n=1 x=0 p=9 i=9
(XEN) Event channel information for domain 1:
(XEN) Polling vCPUs: {0-1}
(XEN)        3 [0/1/1]: s=3 n=0 x=0 d=0 p=40 Z=system_u:system_r:domU_t
`),
    );
    expect(e.unrecognised).toEqual([]);
    expect(e.domains.map((d) => [d.id, d.pollingVcpus, d.ports.length])).toEqual([
      [0, [], 3],
      [1, [0, 1], 1],
    ]);
    expect(e.domains[0]?.ports[0]).toEqual({
      port: 1,
      pending: 1,
      masked: 0,
      selector: '0',
      state: 5,
      stateName: 'virq',
      notifyVcpu: 0,
      fields: { v: '0' },
    });
    expect(e.domains[1]?.ports[0]?.fields).toEqual({ d: '0', p: '40', Z: 'system_u:system_r:domU_t' });
  });
});

describe('i', () => {
  it('reads 4.13+ IRQ lines (real output), direct vectors and IO-APIC pins', () => {
    const i = parseIrqs(
      lines(`
(XEN) IRQ information:
(XEN)    IRQ:   0 vec:f0 IO-APIC-edge    status=000 aff:{0}/{0} arch/x86/time.c#timer_interrupt()
(XEN)    IRQ:   9 vec:60 IO-APIC-level   status=030 aff:{0}/{0} in-flight=0 d0:  9(---)
(XEN)    IRQ:  10 vec:68 IO-APIC-level   status=002 aff:{0}/{0} mapped, unbound
(XEN) Direct vector information:
(XEN)    0x22 -> irq_move_cleanup_interrupt()
(XEN) IO-APIC interrupt information:
(XEN)     IRQ  0 Vec240:
(XEN)       Apic 0x00, Pin  2: vec=f0 delivery=LoPri dest=L status=0 polarity=0 irr=0 trig=E mask=0 dest_id:01
`),
    );
    expect(i.unrecognised).toEqual([]);
    expect(i.irqs.map((x) => [x.irq, x.vector, x.affinity, x.handler, x.mappedUnbound, x.guests])).toEqual([
      [0, 'f0', [0], 'arch/x86/time.c#timer_interrupt()', false, []],
      [9, '60', [0], null, false, [{ domain: 0, pirq: 9, flags: '---' }]],
      [10, '68', [0], null, true, []],
    ]);
    expect(i.directVectors).toEqual([{ vector: '22', handler: 'irq_move_cleanup_interrupt()' }]);
    expect(i.ioApicPins[0]).toMatchObject({ irq: 0, vector: 'f0', apic: '00', pin: 2 });
  });

  it('reads the ≤4.12 IRQ line with affinity first and type=', () => {
    const i = parseIrqs([
      '(XEN)    IRQ:  16 affinity:{0-3} vec:b0 type=IO-APIC-level   status=00000010 in-flight=0 domain-list=0: 16(-S--),',
    ]);
    expect(i.unrecognised).toEqual([]);
    expect(i.irqs[0]).toMatchObject({ irq: 16, vector: 'b0', type: 'IO-APIC-level', affinity: [0, 1, 2, 3] });
    expect(i.irqs[0]?.guests).toEqual([{ domain: 0, pirq: 16, flags: '-S--' }]);
  });
});
