import { describe, expect, it } from 'vitest';
import { parseDomains } from '../../src/parse/keys/domains.js';
import { lines } from './lines.js';

describe('q: dump domain info', () => {
  it('reads 4.17 (real output): pages, rangesets, per-unit affinities, vCPUs, notifications', () => {
    const q = parseDomains(
      lines(`
(XEN) 'q' pressed -> dumping domain info (now = 27602746162)
(XEN) General information for domain 0:
(XEN)     refcnt=3 dying=0 pause_count=0
(XEN)     nr_pages=196608 xenheap_pages=2 dirty_cpus={1} max_pages=4294967295
(XEN)     handle=00000000-0000-0000-0000-000000000000 vm_assist=0000002d
(XEN) Rangesets belonging to domain 0:
(XEN)     Interrupts { 1-23 }
(XEN)     I/O Ports  { 0-1f, 22-3f }
(XEN)     log-dirty  { }
(XEN) Memory pages belonging to domain 0:
(XEN)     DomPage list too long to display
(XEN)     XenPage 000000000005ffc0: caf=c000000000000002, taf=e400000000000002
(XEN) NODE affinity for domain 0: [0]
(XEN) VCPU information and callbacks for domain 0:
(XEN)   UNIT0 affinities: hard={0-1} soft={0-1}
(XEN)     VCPU0: CPU0 [has=F] poll=0 upcall_pend=00 upcall_mask=00 
(XEN)     pause_count=0 pause_flags=1
(XEN) No periodic timer
(XEN)   UNIT1 affinities: hard={1} soft={0-1}
(XEN)     VCPU1: CPU1 [has=T] poll=0 upcall_pend=01 upcall_mask=01 dirty_cpu=1
(XEN)     pause_count=0 pause_flags=0
(XEN) No periodic timer
(XEN) Notifying guest 0:0 (virq 1, port 0)
(XEN) Notifying guest 0:1 (virq 1, port 0)
(XEN) Shared frames 0 -- Saved frames 0
`),
    );
    expect(q.unrecognised).toEqual([]);
    expect(q.now).toBe(27602746162);
    expect(q.domains).toHaveLength(1);
    const d = q.domains[0];
    expect(d).toMatchObject({
      id: 0,
      nrPages: 196608,
      maxPages: 4294967295,
      xenheapPages: 2,
      dirtyCpus: [1],
    });
    expect(d?.rangesets).toEqual({
      Interrupts: '{ 1-23 }',
      'I/O Ports': '{ 0-1f, 22-3f }',
      'log-dirty': '{ }',
    });
    expect(
      d?.vcpus.map((v) => [v.id, v.cpu, v.running, v.dirtyCpu, v.hardAffinity, v.upcallPending]),
    ).toEqual([
      [0, 0, false, null, [0, 1], '00'],
      [1, 1, true, 1, [1], '01'],
    ]);
    expect(q.notified).toEqual([
      { domain: 0, vcpu: 0, virq: 1, port: 0 },
      { domain: 0, vcpu: 1, virq: 1, port: 0 },
    ]);
  });

  it('reads 4.4: the now=0x…:… header, shared/paged pages, and the old VCPU line with cpu_affinity', () => {
    const q = parseDomains(
      lines(`
(XEN) 'q' pressed -> dumping domain info (now=0x1A:2B3C4D5E)
(XEN) General information for domain 0:
(XEN)     refcnt=3 dying=0 pause_count=0
(XEN)     nr_pages=131072 xenheap_pages=5 shared_pages=0 paged_pages=0 dirty_cpus={} max_pages=4294967295
(XEN)     handle=00000000-0000-0000-0000-000000000000 vm_assist=0000000d
(XEN) Rangesets belonging to domain 0:
(XEN)     I/O Ports  { 0-1f }
(XEN) Memory pages belonging to domain 0:
(XEN)     DomPage list too long to display
(XEN) NODE affinity for domain 0: [0-1]
(XEN) VCPU information and callbacks for domain 0:
(XEN)     VCPU0: CPU3 [has=T] poll=0 upcall_pend = 01, upcall_mask = 00 dirty_cpus={3} cpu_affinity={0-3}
(XEN)     pause_count=0 pause_flags=0
(XEN)     No periodic timer
(XEN) General information for domain 1:
(XEN)     nr_pages=262144 xenheap_pages=0 shared_pages=0 paged_pages=0 dirty_cpus={} max_pages=262400
(XEN) VCPU information and callbacks for domain 1:
(XEN)     VCPU0: CPU1 [has=F] poll=0 upcall_pend = 00, upcall_mask = 00 dirty_cpus={} cpu_affinity={0-3}
(XEN)     cpu_hard_affinity={0-3} cpu_soft_affinity={2-3}
(XEN)     pause_count=0 pause_flags=4
(XEN)     100 Hz periodic timer (period 10 ms)
`),
    );
    expect(q.unrecognised).toEqual([]);
    expect(q.now).toBe(0x1a2b3c4d5e);
    expect(q.domains.map((d) => [d.id, d.nrPages, d.maxPages, d.nodeAffinity])).toEqual([
      [0, 131072, 4294967295, [0, 1]],
      [1, 262144, 262400, null],
    ]);
    expect(q.domains[0]?.vcpus[0]).toMatchObject({
      id: 0,
      cpu: 3,
      running: true,
      upcallPending: '01',
      hardAffinity: [0, 1, 2, 3],
    });
    expect(q.domains[1]?.vcpus[0]).toMatchObject({
      softAffinity: [2, 3],
      periodicTimer: '100 Hz periodic timer (period 10 ms)',
    });
  });

  it('keeps what it does not know', () => {
    const q = parseDomains(['(XEN) General information for domain 3:', '(XEN) 2 LLC colors: 0-1', 'random']);
    expect(q.domains.map((d) => d.id)).toEqual([3]);
    expect(q.unrecognised).toEqual(['(XEN) 2 LLC colors: 0-1', 'random']);
  });
});
