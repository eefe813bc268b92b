// A scheduling unit as the schedulers' dump hooks print it: `[dom.vcpu]` then fields. credit
// `[%i.%i] pri=%i flags=%x cpu=%i credit=%i [w=%u,cap=%u]`, credit2 `[%i.%i] flags=%x cpu=%i credit=%i
// [w=%u] load=…`, null `[%i.%i] pcpu=%d`, rtds `[%5d.%-2u] cpu %u, (period, budget), cur_b=…` plus two
// continuation lines (common/sched/{credit,credit2,null,rt}.c; sched_*.c before 4.14).

import { vcpuName } from '../common.js';

export interface SchedUnit {
  /** `d0v1`, or `d[IDLE]v0` for the idle domain (32767). */
  vcpu: string;
  domain: number;
  unit: number;
  /** `name=value` fields, brackets dropped: credit, flags, cpu, w, cap, load, pcpu, cur_b, onQ… */
  fields: Record<string, string>;
  text: string;
}

const UNIT = /^\[\s*(-?\d+)\.(\d+)\s*\]\s*(.*)$/;

export function parseUnit(text: string): SchedUnit | null {
  const m = UNIT.exec(text.trim());
  if (!m) return null;
  const domain = Number(m[1]);
  const unit = Number(m[2]);
  const rest = m[3] ?? '';
  const fields: Record<string, string> = {};
  addFields(fields, rest);
  // rtds: "cpu 1, (10000000, 4000000)," — period and budget in ns.
  const rt = /^cpu (\d+), \((-?\d+), (-?\d+)\)/.exec(rest);
  if (rt) {
    fields['cpu'] = rt[1] ?? '';
    fields['period'] = rt[2] ?? '';
    fields['budget'] = rt[3] ?? '';
  }
  return { vcpu: vcpuName(domain, unit), domain, unit, fields, text: text.trim() };
}

/** rtds' second and third lines: ` \t\t priority_level=…` and ` \t\t onQ=… effective hard_affinity=…`. */
export function isUnitContinuation(text: string): boolean {
  return /^\s+(priority_level|onQ)=/.test(text);
}

export function mergeContinuation(unit: SchedUnit, text: string): void {
  addFields(unit.fields, text.replace(/effective hard_affinity/, 'hard_affinity'));
  unit.text += `\n${text.trim()}`;
}

function addFields(fields: Record<string, string>, text: string): void {
  for (const m of text.replace(/[[\]]/g, ' ').matchAll(/([A-Za-z_]\w*)=([^\s,]+)/g)) {
    fields[m[1] ?? ''] = m[2] ?? '';
  }
}
