// vCPUs that did not move: running (or queued) on the same pCPU in both `r` dumps, and — the spinning
// guest — holding the same CPU in both `d` dumps. One finding per vCPU, naming domain, vCPU and CPU,
// with what both kinds of dump say. The CPU that ran the key's handler shows its vCPU as queued behind
// the idle one (Xen runs key handlers as tasklets on the idle vCPU): read as running there.

import type { StayedVcpu } from '../diff.js';
import { isIdleSymbol, isIdleVcpu } from '../view-model.js';
import type { CpuDigest, DDigest, FindingsDigest, RDigest } from './digest.js';
import { partKey } from './digest.js';
import { frame } from './frames.js';
import { type Evidence, type Finding, type Frame, finding } from './model.js';

export function stayedVcpus(g: FindingsDigest): Finding[] {
  const out: Finding[] = [];
  const a = g.r.first;
  const b = g.r.last;
  const named = new Set<string>();
  if (a && b && a !== b) {
    const later = new Map(placed(b).map((p) => [p.vcpu, p]));
    const apart =
      a.now !== null && b.now !== null && b.now > a.now
        ? ` ${((b.now - a.now) / 1e9).toFixed(1)} s apart`
        : '';
    for (const p of placed(a)) {
      const q = later.get(p.vcpu);
      if (!q || q.state !== p.state || q.cpu !== p.cpu || q.runqueue !== p.runqueue || isIdleVcpu(p.vcpu))
        continue;
      named.add(p.vcpu);
      out.push(p.state === 'queued' ? starved(g, a, b, p, apart) : stayed(g, a, b, p, q, apart));
    }
  }
  for (const h of heldInBothD(g)) if (!named.has(h.vcpu)) out.push(heldFinding(g, h));
  return out;
}

type Placed = StayedVcpu & { tookKey?: boolean };

/** The dump's placements, with the vCPU the key's handler pre-empted put back on its CPU. */
function placed(r: RDigest): Placed[] {
  const out: Placed[] = r.placements.map((p) => ({ ...p }));
  for (const cpu of r.idleCpus) {
    const behind = out.filter((p) => p.state === 'queued' && r.lastCpu[p.vcpu] === cpu);
    // Only when one vCPU can have been the one pre-empted: with several, which is unknown.
    const only = behind.length === 1 ? behind[0] : undefined;
    if (only) Object.assign(only, { cpu, runqueue: null, state: 'running', tookKey: true });
  }
  return out;
}

interface Held {
  vcpu: string;
  cpu: number;
  first: CpuDigest;
  last: CpuDigest;
}

/** Guest vCPUs on the same CPU in the first and last `d` dumps. */
function heldInBothD(g: FindingsDigest): Held[] {
  const a = g.d.first;
  const b = g.d.last;
  if (!a || !b || a === b) return [];
  const later = new Map(b.cpus.map((c) => [c.cpu, c]));
  const out: Held[] = [];
  for (const first of a.cpus) {
    const last = later.get(first.cpu);
    const v = first.vcpu;
    if (!last || v === null || last.vcpu !== v || isIdleVcpu(v) || !/^d\d+v\d+$/.test(v)) continue;
    if (isIdleSymbol(first.symbol) && isIdleSymbol(last.symbol)) continue;
    out.push({ vcpu: v, cpu: first.cpu, first, last });
  }
  return out;
}

function heldIn(g: FindingsDigest, vcpu: string, cpu: number | null): Held | undefined {
  return cpu === null ? undefined : heldInBothD(g).find((h) => h.vcpu === vcpu && h.cpu === cpu);
}

function stayed(g: FindingsDigest, a: RDigest, b: RDigest, p: Placed, q: Placed, apart: string): Finding {
  const who = vcpuName(p.vcpu) ?? p.vcpu;
  const held = heldIn(g, p.vcpu, p.cpu);
  const dump = held?.last ?? (p.cpu === null ? undefined : g.d.last?.cpus.find((c) => c.cpu === p.cpu));
  const shown = dump && !isIdleSymbol(dump.symbol) ? dump : undefined;
  const evidence: Evidence[] = [rEvidence(a, p), rEvidence(b, q)];
  if (held && g.d.first && g.d.last)
    evidence.push(dumpEvidence(g.d.first, held.first), dumpEvidence(g.d.last, held.last));
  else if (shown && g.d.last) evidence.push(dumpEvidence(g.d.last, shown));
  return finding(
    'vcpu-stayed',
    'warning',
    held
      ? `${who} did not move: it held CPU ${p.cpu} in both \`r\` and both \`d\` dumps${apart}: a busy loop, or stuck?`
      : `${who} was running on pCPU ${p.cpu} in both \`r\` dumps${apart}: spinning, or simply busy?`,
    {
      cpu: p.cpu,
      vcpu: p.vcpu,
      rip: shown?.rip ? frame(shown.rip, shown.symbol) : null,
      trace: held ? xenFrames(held) : shown ? shown.trace.map((t) => frame(t.address, t.symbol)) : [],
      detail: [
        ...(held ? [ripsSay(held)] : []),
        ...(p.tookKey || q.tookKey
          ? [
              `CPU ${p.cpu} ran the debug key's handler, so \`r\` shows ${p.vcpu} queued behind the idle vCPU there.`,
            ]
          : []),
      ],
      evidence,
      next: held
        ? { key: 'd', why: 'again: a RIP that never changes is stuck, one that moves is a loop' }
        : shown
          ? null
          : { key: 'd', why: `where pCPU ${p.cpu} is (RIP and call trace)` },
    },
  );
}

function starved(g: FindingsDigest, a: RDigest, b: RDigest, p: Placed, apart: string): Finding {
  const where = p.cpu !== null ? `pCPU ${p.cpu}` : `run queue ${p.runqueue}`;
  return finding(
    'vcpu-starved',
    'error',
    `${vcpuName(p.vcpu) ?? p.vcpu} was queued on ${where} in both \`r\` dumps${apart}: it never got to run`,
    {
      cpu: p.cpu,
      vcpu: p.vcpu,
      evidence: [rEvidence(a, p), rEvidence(b, p)],
      next: { key: 'r', why: 'again: still queued means starved' },
    },
  );
}

function heldFinding(g: FindingsDigest, h: Held): Finding {
  return finding(
    'vcpu-held',
    'warning',
    `${vcpuName(h.vcpu) ?? h.vcpu} was on CPU ${h.cpu} in both \`d\` dumps: a busy loop, or stuck?`,
    {
      cpu: h.cpu,
      vcpu: h.vcpu,
      rip: h.last.rip ? frame(h.last.rip, h.last.symbol) : null,
      trace: xenFrames(h),
      detail: [ripsSay(h)],
      evidence: [dumpEvidence(g.d.first as DDigest, h.first), dumpEvidence(g.d.last as DDigest, h.last)],
      next: { key: 'r r', why: `two run-queue dumps: whether ${h.vcpu} ever leaves CPU ${h.cpu}` },
    },
  );
}

/** The Xen frames of the last dump, else the first's: a guest in Xen (a hypercall, a fault) in either. */
function xenFrames(h: Held): Frame[] {
  const from = h.last.trace.length > 0 ? h.last : h.first;
  return from.trace.map((t) => frame(t.address, t.symbol));
}

/** What the two RIPs say: the same one is stuck in place, different ones are moving (a loop). */
function ripsSay(h: Held): string {
  // The guest's own RIP when the CPU dumped one: the host state of the CPU that took the key is Xen's.
  const [from, to, where] =
    h.first.guestRip !== null && h.last.guestRip !== null
      ? [h.first.guestRip, h.last.guestRip, h.last.guestContext ?? 'guest']
      : [h.first.rip, h.last.rip, h.last.context ?? 'unknown context'];
  return from === to
    ? `Same RIP ${to} (${where}) in both: not moving at all.`
    : `RIP ${from ?? '?'} then ${to ?? '?'} (${where}): running, in a loop or busy.`;
}

function rEvidence(r: RDigest, p: Placed): Evidence {
  const where = p.cpu !== null ? `pCPU ${p.cpu}` : `run queue ${p.runqueue}`;
  return { capture: r.capture, key: partKey(r, 'r'), line: null, text: `${p.vcpu} ${p.state} on ${where}` };
}

export function dumpEvidence(d: DDigest, c: CpuDigest): Evidence {
  return {
    capture: d.capture,
    key: partKey(d, 'd'),
    line: d.partOf ? null : c.line,
    text: `CPU ${c.cpu}: RIP ${c.rip ?? '?'}${c.symbol ? ` ${c.symbol}` : ''}`,
  };
}

/** `d1v0` → `domain 1 vCPU 0 (d1v0)`; idle and unknown names as they are. */
export function vcpuName(v: string | null): string | null {
  if (v === null) return null;
  const m = /^d(\d+)v(\d+)$/.exec(v);
  return m ? `domain ${m[1]} vCPU ${m[2]} (${v})` : isIdleVcpu(v) ? null : v;
}
