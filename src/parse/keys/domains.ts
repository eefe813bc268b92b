// `q` — dump domain (and guest debug) info: per domain its pages, rangesets and vCPUs. Source:
// xen/common/keyhandler.c dump_domains (header `(now=0x%X:%08X)` 4.4–4.11, `(now = %ld)` 4.12+; VCPU line
// forms of 4.4, 4.5, 4.6–4.12 and 4.13+ with per-unit `UNIT%d affinities:` lines).

import { type ParsedBase, keyValues, num, parseCpuList } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface QVcpu {
  id: number;
  cpu: number | null;
  /** `[has=T]`: the vCPU is running. */
  running: boolean | null;
  poll: number | null;
  upcallPending: string | null;
  upcallMask: string | null;
  dirtyCpu: number | null;
  pauseCount: number | null;
  pauseFlags: string | null;
  hardAffinity: number[] | null;
  softAffinity: number[] | null;
  periodicTimer: string | null;
}

export interface QDomain {
  id: number;
  nrPages: number | null;
  maxPages: number | null;
  xenheapPages: number | null;
  refcnt: number | null;
  dying: number | null;
  pauseCount: number | null;
  dirtyCpus: number[] | null;
  handle: string | null;
  nodeAffinity: number[] | null;
  rangesets: Record<string, string>;
  vcpus: QVcpu[];
}

export interface DomainsParsed extends ParsedBase {
  /** `now` from the header: ns since boot (4.12+), or the 4.4–4.11 `0xHI:LO` text converted. */
  now: number | null;
  domains: QDomain[];
  notified: { domain: number; vcpu: number; virq: number; port: number }[];
}

const HEADER = /^'q' pressed -> dumping domain info \(now\s*=\s*(?:0x([0-9a-f]+):([0-9a-f]+)|(-?\d+))\)/i;
const VCPU = /^\s*VCPU(\d+): CPU(-?\d+) \[has=([TF])\](.*)$/;
const UNIT = /^\s*UNIT(\d+) affinities: hard=\{([^}]*)\} soft=\{([^}]*)\}/;

export function parseDomains(lines: readonly string[], norms?: readonly NormLine[]): DomainsParsed {
  const out: DomainsParsed = { now: null, domains: [], notified: [], unrecognised: [] };
  let dom: QDomain | null = null;
  let vcpu: QVcpu | null = null;
  let unit: { hard: number[] | null; soft: number[] | null } | null = null;
  let section: 'info' | 'rangesets' | 'pages' | 'vcpus' | null = null;
  // The last Xen line ended in a space: a mailer's soft wrap may carry its tail on an unprefixed line.
  let wrapped = false;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      if (!(wrapped && dom && continuation(t, dom))) out.unrecognised.push(line);
      wrapped = false;
      continue;
    }
    wrapped = line.endsWith(' ');
    const h = HEADER.exec(t);
    if (h) {
      out.now = h[3] !== undefined ? Number(h[3]) : parseInt(`${h[1]}${(h[2] ?? '').padStart(8, '0')}`, 16);
      continue;
    }
    const g = /^General information for domain (\d+):/.exec(t);
    if (g) {
      dom = newDomain(Number(g[1]));
      out.domains.push(dom);
      section = 'info';
      vcpu = null;
      unit = null;
      continue;
    }
    const notify = /^Notifying guest (\d+):(\d+) \(virq (\d+), port (\d+)\)/.exec(t);
    if (notify) {
      const [, d, v, virq, port] = notify.map(Number);
      out.notified.push({ domain: d ?? 0, vcpu: v ?? 0, virq: virq ?? 0, port: port ?? 0 });
      continue;
    }
    if (!dom || !understood(t, dom)) {
      out.unrecognised.push(line);
    }
  }
  return out;

  // The tail of a soft-wrapped line (`…paged_pages=0 ` / `dirty_cpus={} max_pages=131328`).
  function continuation(t: string, d: QDomain): boolean {
    const tail = t.trim();
    if (!/^[a-z_]+=\S/.test(tail)) return false;
    return section === 'info' ? understood(`    ${tail}`, d) : section === 'pages';
  }

  // Lines inside a domain's block; returns false for what it does not know.
  function understood(t: string, d: QDomain): boolean {
    if (/^Rangesets belonging to domain/.test(t)) return ((section = 'rangesets'), true);
    if (/^Memory pages belonging to domain/.test(t)) return ((section = 'pages'), true);
    if (/^VCPU information and callbacks for domain/.test(t)) return ((section = 'vcpus'), true);
    const node = /^NODE affinity for domain \d+: \[([^\]]*)\]/.exec(t);
    if (node) return ((d.nodeAffinity = parseCpuList(node[1] ?? '')), true);
    if (/^Shared frames \d+ -- Saved frames \d+/.test(t)) return true;
    if (section === 'info' && /=/.test(t)) {
      const kv = keyValues(t);
      if ('nr_pages' in kv) d.nrPages = num(kv['nr_pages']);
      if ('max_pages' in kv) d.maxPages = num(kv['max_pages']);
      if ('xenheap_pages' in kv) d.xenheapPages = num(kv['xenheap_pages']);
      if ('refcnt' in kv) d.refcnt = num(kv['refcnt']);
      if ('dying' in kv) d.dying = num(kv['dying']);
      if ('pause_count' in kv) d.pauseCount = num(kv['pause_count']);
      if ('dirty_cpus' in kv) d.dirtyCpus = parseCpuList(kv['dirty_cpus'] ?? '');
      if ('handle' in kv) d.handle = kv['handle'] ?? null;
      return true;
    }
    if (section === 'info' && /^\s+(watchdog|paging assistance)/.test(t)) return true;
    if (section === 'rangesets') {
      const r = /^\s+(.*?)\s*(\{.*\})\s*$/.exec(t);
      if (r) return ((d.rangesets[r[1] ?? ''] = r[2] ?? ''), true);
      return /^\s+None\s*$/.test(t);
    }
    if (section === 'pages') return /^\s+(DomPage|XenPage|ExtraPage|PoD)/.test(t);
    if (section !== 'vcpus') return false;
    const u = UNIT.exec(t);
    if (u) {
      unit = { hard: parseCpuList(u[2] ?? ''), soft: parseCpuList(u[3] ?? '') };
      return true;
    }
    const v = VCPU.exec(t);
    if (v) {
      vcpu = newVcpu(Number(v[1]), Number(v[2]), v[3] === 'T', v[4] ?? '', unit);
      d.vcpus.push(vcpu);
      return true;
    }
    if (!vcpu) return false;
    return vcpuDetail(t, vcpu);
  }
}

function vcpuDetail(t: string, v: QVcpu): boolean {
  if (/^\s*pause_count=/.test(t)) {
    const kv = keyValues(t);
    v.pauseCount = num(kv['pause_count']);
    v.pauseFlags = kv['pause_flags'] ?? null;
    return true;
  }
  if (/^\s*cpu_(hard|soft)_affinity=/.test(t)) {
    const kv = keyValues(t);
    if (kv['cpu_hard_affinity'] !== undefined) v.hardAffinity = parseCpuList(kv['cpu_hard_affinity']);
    if (kv['cpu_soft_affinity'] !== undefined) v.softAffinity = parseCpuList(kv['cpu_soft_affinity']);
    return true;
  }
  if (/^\s*(No periodic timer|-?\d+ Hz periodic timer)/.test(t)) {
    v.periodicTimer = t.trim();
    return true;
  }
  return /^\s+paging assistance: /.test(t);
}

function newDomain(id: number): QDomain {
  return {
    id,
    nrPages: null,
    maxPages: null,
    xenheapPages: null,
    refcnt: null,
    dying: null,
    pauseCount: null,
    dirtyCpus: null,
    handle: null,
    nodeAffinity: null,
    rangesets: {},
    vcpus: [],
  };
}

function newVcpu(
  id: number,
  cpu: number,
  running: boolean,
  rest: string,
  unit: { hard: number[] | null; soft: number[] | null } | null,
): QVcpu {
  // 4.4 prints "upcall_pend = 00, upcall_mask = 00": close the gaps so key=value scanning reads it.
  const kv = keyValues(rest.replace(/\s*=\s*/g, '='));
  return {
    id,
    cpu: cpu < 0 ? null : cpu,
    running,
    poll: num(kv['poll']),
    upcallPending: kv['upcall_pend'] ?? null,
    upcallMask: kv['upcall_mask'] ?? null,
    dirtyCpu: num(kv['dirty_cpu']),
    pauseCount: null,
    pauseFlags: null,
    hardAffinity: unit?.hard ?? parseCpuList(kv['cpu_affinity'] ?? '-') ?? null,
    softAffinity: unit?.soft ?? null,
    periodicTimer: null,
  };
}
