import { describe, expect, it } from 'vitest';
import { parseRunq } from '../../src/parse/keys/runq.js';
import { lines } from './lines.js';

const current = (r: ReturnType<typeof parseRunq>): [number, string | null][] =>
  r.cpus.map((c) => [c.cpu, c.current]);

describe('r: dump run queues', () => {
  it('reads credit2 on 4.17 (real output): pool, runqueue settings, domains, current vCPUs', () => {
    const r = parseRunq(
      lines(`
(XEN) sched_smt_power_savings: disabled
(XEN) NOW=13217330426
(XEN) Online Cpus: 0-1
(XEN) Cpupool 0:
(XEN) Cpus: 0-1
(XEN) Scheduling granularity: cpu, 1 CPU per sched-resource
(XEN) Scheduler: SMP Credit Scheduler rev2 (credit2)
(XEN) Active queues: 1
(XEN) 	default-weight     = 256
(XEN) Runqueue 0:
(XEN) 	ncpus              = 2
(XEN) 	cpus               = 0-1
(XEN) 	aveload            = 268344 (~102%)
(XEN) 	idlers: 0
(XEN) 	tickled: 0
(XEN) 	fully idle cores: 0
(XEN) Domain info:
(XEN) 	Domain: 0 w 256 c 0 v 2
(XEN) 	  1: [0.0] flags=0 cpu=0 credit=10500000 [w=256] load=165977 (~63%)
(XEN) 	  2: [0.1] flags=2 cpu=1 credit=9411659 [w=256] load=243215 (~92%)
(XEN) Runqueue 0:
(XEN) CPU[00] runq=0, sibling={0}, core={0-1}
(XEN) CPU[01] runq=0, sibling={1}, core={0-1}
(XEN) 	run: [0.1] flags=2 cpu=1 credit=9411659 [w=256] load=243215 (~92%)
(XEN) RUNQ:
(XEN) CPUs info:
(XEN) CPU[00] current=d[IDLE]v0, curr=d[IDLE]v0, prev=NULL
(XEN) CPU[01] current=d0v1, curr=d0v1, prev=NULL
`),
    );
    expect(r.unrecognised).toEqual([]);
    expect(r.scheduler).toBe('credit2');
    expect(current(r)).toEqual([
      [0, 'd[IDLE]v0'],
      [1, 'd0v1'],
    ]);
    expect(r).toMatchObject({ now: 13217330426, smtPowerSavings: false, onlineCpus: [0, 1] });
    expect(r.pools[0]).toMatchObject({ name: '0', schedulerName: 'SMP Credit Scheduler rev2', cpus: [0, 1] });
    expect(r.runqueues[0]?.settings).toMatchObject({ ncpus: '2', aveload: '268344 (~102%)', idlers: '0' });
    expect(r.domains[0]?.fields).toEqual({ w: '256', c: '0', v: '2' });
    expect(r.domains[0]?.units.map((u) => [u.vcpu, u.fields['credit'], u.fields['w']])).toEqual([
      ['d0v0', '10500000', '256'],
      ['d0v1', '9411659', '256'],
    ]);
    expect(r.cpus[1]?.run?.vcpu).toBe('d0v1');
    expect(r.cpus[0]?.fields).toMatchObject({ runq: '0', sibling: '{0}', core: '{0-1}' });
  });

  it('reads credit on 4.17 with boot timestamps (real output)', () => {
    const r = parseRunq(
      lines(`
(XEN) [   10.538401] sched_smt_power_savings: disabled
(XEN) [   10.539125] Scheduler: SMP Credit Scheduler (credit)
(XEN) [   10.539298] info:
(XEN) [   10.539351] 	ncpus              = 4
(XEN) [   10.541944] 	tslice             = 30ms
(XEN) [   10.542519] idlers: e
(XEN) [   10.542584] active units:
(XEN) [   10.542689] CPUs info:
(XEN) [   10.542910] CPU[00] current=d[IDLE]v0, curr=d[IDLE]v0, prev=NULL
(XEN) [   10.543168] CPU[00] nr_run=0, sort=158, sibling={0}, core={0-3}
`),
    );
    expect(r.unrecognised).toEqual([]);
    expect(r.scheduler).toBe('credit');
    expect(current(r)).toEqual([[0, 'd[IDLE]v0']]);
    expect(r.cpus[0]?.fields).toMatchObject({ nr_run: '0', sort: '158', sibling: '{0}' });
    expect(r.pools[0]?.settings).toMatchObject({ ncpus: '4', tslice: '30ms', idlers: 'e' });
  });

  it('reads 4.4 credit: NOW=0x…, the idle cpupool, `CPU[nn]  sort=…` with hex masks, and run: lines', () => {
    const r = parseRunq(
      lines(`
(XEN) sched_smt_power_savings: disabled
(XEN) NOW=0x0000001A2B3C4D5E
(XEN) Idle cpupool:
(XEN) Scheduler: SMP Credit Scheduler (credit)
(XEN) info:
(XEN) 	ncpus              = 4
(XEN) idlers: 00000000,00000000,00000000,0000000e
(XEN) active vcpus:
(XEN) 	  1: [0.1] pri=-1 flags=0 cpu=1 credit=-80 [w=256,cap=0]
(XEN) Cpupool 0:
(XEN) Scheduler: SMP Credit Scheduler (credit)
(XEN) info:
(XEN) 	ncpus              = 4
(XEN) CPU[00]  sort=1234, sibling=00000000,00000001, core=00000000,0000000f
(XEN) 	run: [32767.0] pri=-64 flags=0 cpu=0
(XEN) CPU[01]  sort=1234, sibling=00000000,00000002, core=00000000,0000000f
(XEN) 	run: [0.1] pri=-1 flags=0 cpu=1 credit=-80 [w=256,cap=0]
(XEN) 	  1: [32767.1] pri=-64 flags=0 cpu=1
`),
    );
    expect(r.unrecognised).toEqual([]);
    expect(r.now).toBe(0x1a2b3c4d5e);
    expect(r.scheduler).toBe('credit');
    expect(r.pools.map((p) => p.name)).toEqual(['idle', '0']);
    expect(current(r)).toEqual([
      [0, 'd[IDLE]v0'],
      [1, 'd0v1'],
    ]);
    expect(r.cpus[0]?.fields).toEqual({
      sort: '1234',
      sibling: '00000000,00000001',
      core: '00000000,0000000f',
    });
    expect(r.cpus[1]?.run?.fields).toMatchObject({ pri: '-1', credit: '-80', w: '256', cap: '0' });
    expect(r.cpus[1]?.queue.map((u) => u.vcpu)).toEqual(['d[IDLE]v1']);
    expect(r.lists['active vcpus']).toHaveLength(1);
  });

  it('reads the null scheduler (4.14+ layout from common/sched/null.c)', () => {
    const r = parseRunq(
      lines(`
(XEN) sched_smt_power_savings: disabled
(XEN) NOW=123456789
(XEN) Online Cpus: 0-3
(XEN) Cpupool 0:
(XEN) Cpus: 0-3
(XEN) Scheduling granularity: cpu, 1 CPU per sched-resource
(XEN) Scheduler: null Scheduler (null)
(XEN) 	cpus_free = 2-3
(XEN) Domain info:
(XEN) 	Domain: 0
(XEN) 	  1: [0.0] pcpu=0
(XEN) 	  2: [0.1] pcpu=1
(XEN) 	Domain: 1
(XEN) 	  3: [1.0] pcpu=-1
(XEN) Waitqueue: d1v0
(XEN) CPUs info:
(XEN) CPU[00] current=d0v0, curr=d0v0, prev=NULL
(XEN) CPU[00] sibling={0}, core={0-3}, unit=d0v0
(XEN) 	run: [0.0] pcpu=0
(XEN) CPU[01] current=d[IDLE]v1, curr=d[IDLE]v1, prev=NULL
(XEN) CPU[01] sibling={1}, core={0-3}, unit=d0v1
`),
    );
    expect(r.unrecognised).toEqual([]);
    expect(r.scheduler).toBe('null');
    expect(current(r)).toEqual([
      [0, 'd0v0'],
      [1, 'd[IDLE]v1'],
    ]);
    expect(r.cpus[1]?.fields['unit']).toBe('d0v1');
    expect(r.pools[0]?.settings['cpus_free']).toBe('2-3');
    expect(r.domains.map((d) => [d.id, d.units.map((u) => u.fields['pcpu'])])).toEqual([
      [0, ['0', '1']],
      [1, ['-1']],
    ]);
    expect(r.lists['waitqueue']).toEqual(['d1v0']);
  });

  it('reads rtds (4.14+ layout from common/sched/rt.c): three-line units, bare CPU[nn] lines', () => {
    const r = parseRunq(
      lines(`
(XEN) sched_smt_power_savings: disabled
(XEN) NOW=123456789
(XEN) Cpupool 0:
(XEN) Scheduler: SMP RTDS Scheduler (rtds)
(XEN) Global RunQueue info:
(XEN) [    1.0 ] cpu 2, (10000000, 4000000), cur_b=3999000 cur_d=3000000000 last_start=2990000000
(XEN)  		 priority_level=0 has_extratime=1
(XEN)  		 onQ=1 runnable=1 flags=0 effective hard_affinity=0-3
(XEN) Global DepletedQueue info:
(XEN) Global Replenishment Events info:
(XEN) Domain info:
(XEN) 	domain: 0
(XEN) [    0.0 ] cpu 0, (10000000, 4000000), cur_b=2000000 cur_d=3000000000 last_start=2995000000
(XEN)  		 priority_level=0 has_extratime=1
(XEN)  		 onQ=0 runnable=1 flags=2 effective hard_affinity=0-3
(XEN) CPUs info:
(XEN) CPU[00] current=d0v0, curr=d0v0, prev=NULL
(XEN) CPU[00]
(XEN) [    0.0 ] cpu 0, (10000000, 4000000), cur_b=2000000 cur_d=3000000000 last_start=2995000000
(XEN)  		 priority_level=0 has_extratime=1
(XEN)  		 onQ=0 runnable=1 flags=2 effective hard_affinity=0-3
(XEN) CPU[01] current=d[IDLE]v1, curr=d[IDLE]v1, prev=NULL
(XEN) CPU[01]
(XEN) 
`),
    );
    expect(r.unrecognised).toEqual([]);
    expect(r.scheduler).toBe('rtds');
    expect(current(r)).toEqual([
      [0, 'd0v0'],
      [1, 'd[IDLE]v1'],
    ]);
    expect(r.cpus[0]?.run?.fields).toMatchObject({
      period: '10000000',
      budget: '4000000',
      priority_level: '0',
      onQ: '0',
    });
    expect(r.cpus[0]?.queue).toEqual([]);
    expect(r.lists['Global RunQueue info']?.map((u) => (typeof u === 'string' ? u : u.vcpu))).toEqual([
      'd1v0',
    ]);
    expect(r.domains[0]?.units[0]?.fields['hard_affinity']).toBe('0-3');
  });

  it('reads rtds 4.5–4.8, where the running unit follows CPU[nn] on the same line', () => {
    const r = parseRunq([
      '(XEN) Scheduler: SMP RTDS Scheduler (rtds)',
      '(XEN) CPU[03] [    2.1 ] cpu 3, (10000, 4000), cur_b=1',
    ]);
    expect(current(r)).toEqual([[3, 'd2v1']]);
  });
});
