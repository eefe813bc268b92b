// The last `q` read the way people read `xl list` and `xl vcpu-list`: a state per domain (r running,
// b blocked, p paused, d dying; s and c are not in `q`'s output) and per vCPU (running, blocked,
// runnable, offline, paused). pause_flags bits: xen/include/xen/sched.h _VPF_* (4.4–4.21).

import type { ParsedByKey } from '../model.js';
import { type FindingsDigest, partKey } from './digest.js';
import { type Finding, finding } from './model.js';

type QDomain = ParsedByKey['q']['domains'][number];
type QVcpu = QDomain['vcpus'][number];

const VPF_BLOCKED = 1 << 0;
const VPF_DOWN = 1 << 1;
const VPF_BLOCKED_IN_XEN = 1 << 2;
const VPF_MIGRATING = 1 << 3;
const VPF_MEM_PAGING = 1 << 4;
const VPF_MEM_ACCESS = 1 << 5;
const VPF_MEM_SHARING = 1 << 6;
const VPF_IN_RESET = 1 << 7;
const VPF_PARKED = 1 << 8;

const WHY_BLOCKED: [number, string][] = [
  [VPF_BLOCKED_IN_XEN, 'blocked in Xen (waiting for an event Xen consumes, e.g. an ioreq)'],
  [VPF_MIGRATING, 'migrating to another pCPU'],
  [VPF_MEM_PAGING, 'waiting for the mem_paging ring'],
  [VPF_MEM_ACCESS, 'waiting for the mem_access ring'],
  [VPF_MEM_SHARING, 'waiting for the mem_sharing ring'],
  [VPF_IN_RESET, 'being reset'],
  [VPF_PARKED, 'parked'],
];

export type VcpuState = 'running' | 'blocked' | 'runnable' | 'offline' | 'paused';

/** One vCPU as `xl vcpu-list` would show it. */
export function vcpuState(
  v: QVcpu,
  domainPaused: boolean,
): { state: VcpuState; letters: string; why: string[] } {
  const flags = v.pauseFlags === null ? 0 : parseInt(v.pauseFlags, 16) || 0;
  const paused = domainPaused || (v.pauseCount ?? 0) > 0;
  const why = WHY_BLOCKED.filter(([bit]) => flags & bit).map(([, w]) => w);
  let state: VcpuState;
  if (v.running) state = 'running';
  else if (flags & VPF_DOWN) state = 'offline';
  else if (paused) state = 'paused';
  else if (flags !== 0) state = 'blocked';
  else state = 'runnable';
  // xl vcpu-list: r running, b blocked, p paused (offline vCPUs show as paused there too).
  const letters = `${v.running ? 'r' : '-'}${!v.running && flags & VPF_BLOCKED ? 'b' : '-'}${paused || flags & VPF_DOWN ? 'p' : '-'}`;
  return { state, letters, why };
}

/** A domain's `xl list` state letters, `r-----` style; s and c stay `-` (q does not print them). */
export function domainState(d: QDomain): string {
  const running = d.vcpus.some((v) => v.running);
  const paused = (d.pauseCount ?? 0) > 0;
  const dying = (d.dying ?? 0) > 0;
  const blocked = !running && d.vcpus.length > 0;
  return `${running ? 'r' : '-'}${blocked ? 'b' : '-'}${paused ? 'p' : '-'}--${dying ? 'd' : '-'}`;
}

export function domainFindings(g: FindingsDigest): Finding[] {
  const q = g.q;
  if (!q || q.domains.length === 0) return [];
  const out: Finding[] = [];
  const rows: string[] = [];
  for (const d of q.domains) {
    const paused = (d.pauseCount ?? 0) > 0;
    const states = d.vcpus.map((v) => ({ v, ...vcpuState(v, paused) }));
    const count = (s: VcpuState): number => states.filter((x) => x.state === s).length;
    const parts = (['running', 'runnable', 'blocked', 'paused', 'offline'] as const)
      .filter((s) => count(s) > 0)
      .map((s) => `${count(s)} ${s}`);
    rows.push(`d${d.id} ${domainState(d)}  ${d.vcpus.length} vCPUs: ${parts.join(', ') || 'none listed'}`);
    const evidence = [
      {
        capture: q.capture,
        key: partKey(q, 'q'),
        line: null,
        text: `domain ${d.id}: dying=${d.dying ?? '?'} pause_count=${d.pauseCount ?? '?'}`,
      },
    ];
    if ((d.dying ?? 0) > 0)
      out.push(
        finding(
          'domain-dying',
          'warning',
          `Domain ${d.id} is dying (dying=${d.dying}): being destroyed, or stuck releasing its memory`,
          {
            evidence,
            next: {
              key: partKey(q, 'q'),
              why: 'again: a domain that stays dying holds references (refcnt) it cannot drop',
            },
          },
        ),
      );
    else if (paused)
      out.push(
        finding(
          'domain-paused',
          'warning',
          `Domain ${d.id} is paused (pause_count=${d.pauseCount}): it cannot run until unpaused`,
          { evidence, next: null },
        ),
      );
    for (const s of states) {
      if (s.why.length === 0) continue;
      out.push(
        finding(
          'vcpu-blocked-in-xen',
          'warning',
          `d${d.id}v${s.v.id} is ${s.why.join(', ')} (pause_flags=${s.v.pauseFlags})`,
          {
            vcpu: `d${d.id}v${s.v.id}`,
            cpu: s.v.cpu,
            evidence: [
              {
                capture: q.capture,
                key: partKey(q, 'q'),
                line: null,
                text: `VCPU${s.v.id}: CPU${s.v.cpu ?? '?'} pause_count=${s.v.pauseCount ?? '?'} pause_flags=${s.v.pauseFlags ?? '?'}`,
              },
            ],
            next: { key: 'd', why: `where pCPU ${s.v.cpu ?? '?'} is` },
          },
        ),
      );
    }
  }
  out.push(
    finding(
      'domains',
      'info',
      `Domains as \`xl list\` shows them (${q.domains.length}): ${q.domains.map((d) => `d${d.id} ${domainState(d)}`).join(', ')}`,
      {
        detail: [
          ...rows,
          'State letters: r running, b blocked, p paused, d dying (s shutdown and c crashed are not in `q`).',
        ],
        evidence: [
          {
            capture: q.capture,
            key: partKey(q, 'q'),
            line: null,
            text: `${q.domains.length} domain${q.domains.length === 1 ? '' : 's'}`,
          },
        ],
      },
    ),
  );
  return out;
}
