// A synthetic hung host, in Xen 4.17's own console formats: boot facts, `q` with three domains, two `r`
// dumps (credit) in which d7v3 stays queued on pCPU 5 and d12v0 keeps running on pCPU 6, two `d` dumps
// where CPU 6 stays in _spin_lock, `u` over two NUMA nodes, `m`, and a watchdog panic. Lines can carry
// hostile text (`<script>`, `|`, `&`, ESC) to prove the renderers escape it. The recordings are real but
// calm (one idle dom0); this is the busy case the renderers and diff are for.

export interface HostState {
  /** Which vCPU each pCPU runs (null: idle) and which wait in its queue. */
  cpus: { current: string | null; queue: string[] }[];
  /** pCPU → [RIP, symbol] for `d`; CPUs not listed are idle. */
  rips: Record<number, [string, string]>;
  domains: { id: number; pages: number; byNode: [number, number]; vcpus: number }[];
  heapFreeKiB: number;
}

export const BEFORE: HostState = {
  cpus: [
    { current: null, queue: [] },
    { current: 'd0v1', queue: [] },
    { current: null, queue: [] },
    { current: 'd7v0', queue: ['d0v2'] },
    { current: null, queue: [] },
    { current: 'd7v1', queue: ['d7v3', 'd12v1'] },
    { current: 'd12v0', queue: [] },
    { current: null, queue: [] },
  ],
  rips: {
    6: ['ffff82d04022c8a0', '_spin_lock+0x30/0x50'],
    3: ['ffff82d040251ef6', 'common/sched/core.c#schedule+0x156/0x260'],
  },
  domains: [
    { id: 0, pages: 196608, byNode: [196608, 0], vcpus: 4 },
    { id: 7, pages: 524288, byNode: [262144, 262144], vcpus: 4 },
    { id: 12, pages: 131072, byNode: [0, 131072], vcpus: 2 },
  ],
  heapFreeKiB: 2_097_152,
};

export const AFTER: HostState = {
  ...BEFORE,
  cpus: BEFORE.cpus.map((c, i) =>
    i === 3 ? { current: 'd0v2', queue: ['d7v0'] } : i === 5 ? { current: 'd7v1', queue: ['d7v3'] } : c,
  ),
  rips: { 6: ['ffff82d04022c8a0', '_spin_lock+0x30/0x50'], 3: ['ffff82d040212345', 'do_softirq+0x13/0x20'] },
  domains: [
    { id: 0, pages: 196608, byNode: [196608, 0], vcpus: 4 },
    { id: 7, pages: 524544, byNode: [262400, 262144], vcpus: 4 },
    { id: 15, pages: 65536, byNode: [65536, 0], vcpus: 1 },
  ],
  heapFreeKiB: 1_900_000,
};

const X = (s: string): string => `(XEN) ${s}`;

export function bootLines(): string[] {
  return [
    'Xen version 4.17.7 (Debian 4.17.7) (pkg-xen-devel@lists.alioth.debian.org) (gcc 12.2.0) debug=n Wed Nov  4 16:52:28 UTC 2026',
    'Command line: console=com1 sched=credit dom0_mem=768M watchdog',
    'Using scheduler: SMP Credit Scheduler (credit)',
    'Brought up 8 CPUs',
    'Allocated console ring of 64 KiB.',
  ].map(X);
}

export function domainsLines(s: HostState): string[] {
  const out = [X(`'q' pressed -> dumping domain info (now = 100000000000)`)];
  for (const d of s.domains) {
    out.push(
      X(`General information for domain ${d.id}:`),
      X(`    refcnt=3 dying=0 pause_count=0`),
      X(`    nr_pages=${d.pages} xenheap_pages=2 dirty_cpus={} max_pages=${d.pages + 256}`),
      X(`NODE affinity for domain ${d.id}: [0-1]`),
      X(`VCPU information and callbacks for domain ${d.id}:`),
    );
    for (let v = 0; v < d.vcpus; v++) {
      const name = `d${d.id}v${v}`;
      const cpu = s.cpus.findIndex((c) => c.current === name || c.queue.includes(name));
      const running = s.cpus.some((c) => c.current === name);
      out.push(
        X(`  UNIT${v} affinities: hard={${d.id === 7 ? '3-5' : '0-7'}} soft={0-7}`),
        X(
          `    VCPU${v}: CPU${cpu < 0 ? 0 : cpu} [has=${running ? 'T' : 'F'}] poll=0 upcall_pend=00 upcall_mask=00 `,
        ),
        X(`    pause_count=0 pause_flags=0`),
        X('No periodic timer'),
      );
    }
  }
  return out;
}

export function runqLines(s: HostState, now: number): string[] {
  const unit = (name: string): string => {
    const m = /^d(\d+)v(\d+)$/.exec(name);
    return `[${m?.[1]}.${m?.[2]}] pri=-1 flags=0 cpu=0 credit=-300 [w=256,cap=0]`;
  };
  const out = [
    'sched_smt_power_savings: disabled',
    `NOW=${now}`,
    'Online Cpus: 0-7',
    'Cpupool 0:',
    'Cpus: 0-7',
    'Scheduler: SMP Credit Scheduler (credit)',
    'CPUs info:',
  ].map(X);
  s.cpus.forEach((c, i) => {
    const cur = c.current ?? `d[IDLE]v${i}`;
    const n = String(i).padStart(2, '0');
    out.push(
      X(`CPU[${n}] current=${cur}, curr=${cur}, prev=NULL`),
      X(`CPU[${n}] nr_run=${c.queue.length}, sort=1, sibling={${i}}, core={0-7}`),
    );
    if (c.current) out.push(X(`\trun: ${unit(c.current)}`));
    c.queue.forEach((q, j) => out.push(X(`\t  ${j + 1}: ${unit(q)}`)));
  });
  return out;
}

export function registersLines(s: HostState): string[] {
  const out = [X(`'d' pressed -> dumping registers`), X('')];
  for (let cpu = 0; cpu < s.cpus.length; cpu++) {
    const [rip, symbol] = s.rips[cpu] ?? ['ffff82d0402f9c06', 'arch/x86/domain.c#default_idle+0xc6/0xf0'];
    out.push(
      X(`*** Dumping CPU${cpu} host state: ***`),
      X('----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----'),
      X(`CPU:    ${cpu}`),
      X(`RIP:    e008:[<${rip}>] ${symbol}`),
      X('RFLAGS: 0000000000000206   CONTEXT: hypervisor'),
      X('Xen call trace:'),
      X(`   [<${rip}>] R ${symbol}`),
      X(`   [<ffff82d0402fa741>] S arch/x86/domain.c#idle_loop+0xc1/0x130`),
      X(''),
    );
  }
  return out;
}

export function numaLines(s: HostState): string[] {
  return [
    X(`'u' pressed -> dumping numa info (now = 100000000000)`),
    X('NODE0 start->0 size->1048576 free->300000'),
    X('NODE1 start->1048576 size->1048576 free->500000'),
    X('CPU0...3 -> NODE0'),
    X('CPU4...7 -> NODE1'),
    X('Memory location of each domain:'),
    ...s.domains.flatMap((d) => [
      X(`Domain ${d.id} (total: ${d.pages}):`),
      X(`    Node 0: ${d.byNode[0]}`),
      X(`    Node 1: ${d.byNode[1]}`),
    ]),
  ];
}

export function memoryLines(s: HostState): string[] {
  return [
    X('Physical memory information:'),
    X('    Xen heap: 0kB free'),
    X(`    Dom heap: ${s.heapFreeKiB}kB free`),
  ];
}

export function panicLines(hostile = true): string[] {
  const msg = hostile
    ? "Assertion 'a < b && c | d <script>alert(1)</script>' failed at common/sched/core.c:123"
    : 'Watchdog';
  return [
    X(msg),
    X('----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----'),
    X('CPU:    6'),
    X('RIP:    e008:[<ffff82d04022c8a0>] _spin_lock+0x30/0x50'),
    X('RFLAGS: 0000000000000002   CONTEXT: hypervisor'),
    X('Xen call trace:'),
    X('   [<ffff82d04022c8a0>] R _spin_lock+0x30/0x50'),
    X('   [<ffff82d040263c2b>] S common/sched/core.c#vcpu_sleep_sync+0x1b/0x40'),
    X(''),
    X('****************************************'),
    X('Panic on CPU 6:'),
    X(msg),
    X('****************************************'),
    X(''),
    X('Reboot in five seconds...'),
  ];
}

/** The whole session: boot, q, r, d, u, m, then r and d again, input back to dom0, then the panic. */
export function hungHostLines(): string[] {
  return [
    ...bootLines(),
    ...domainsLines(BEFORE),
    ...runqLines(BEFORE, 200_000_000_000),
    ...registersLines(BEFORE),
    ...numaLines(BEFORE),
    ...memoryLines(BEFORE),
    ...runqLines(AFTER, 205_000_000_000),
    ...registersLines(AFTER),
    X("*** Serial input to DOM0 (type 'CTRL-a' three times to switch input)"),
    ...panicLines(),
  ];
}
