// `e` — dump evtchn info: per domain, its bound ports. Source: xen/common/event_channel.c
// domain_dump_evtchn_info — `%4u [%d/%d/<sel>]: s=%d n=%d x=%d[ d=… | d= p= | p= i= | v=][ Z=…]`, the
// selector being a 2-level bit or a FIFO `%c %-4u`; `Polling vCPUs: {…}` (≤4.11 `{%s}`).

import { type ParsedBase, keyValues, num, parseCpuList } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

/** Channel states, xen/include/xen/sched.h ECS_*. */
const STATES: Record<number, string> = {
  1: 'reserved',
  2: 'unbound',
  3: 'interdomain',
  4: 'pirq',
  5: 'virq',
  6: 'ipi',
};

export interface EvtchnPort {
  port: number;
  pending: number;
  masked: number;
  selector: string;
  state: number;
  stateName: string | null;
  notifyVcpu: number | null;
  /** d (remote domain), p (remote port or pirq), i (irq), v (virq), Z (XSM label). */
  fields: Record<string, string>;
}

export interface EvtchnParsed extends ParsedBase {
  domains: { id: number; pollingVcpus: number[] | null; ports: EvtchnPort[] }[];
}

const PORT = /^\s*(\d+) \[(\d+)\/(\d+)\/(.*?)\]: (.*)$/;

export function parseEvtchn(lines: readonly string[], norms?: readonly NormLine[]): EvtchnParsed {
  const out: EvtchnParsed = { domains: [], unrecognised: [] };
  let dom: EvtchnParsed['domains'][number] | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    // Port lines are most of the output: tried first (no other pattern can match one).
    const p = PORT.exec(t);
    if (p) {
      if (dom) {
        dom.ports.push(port(p));
        continue;
      }
    } else {
      if (/^'e' pressed -> /.test(t) || /^\s+port \[p\/m\/s\]/.test(t)) continue;
      const d = /^Event channel information for domain (\d+):/.exec(t);
      if (d) {
        out.domains.push((dom = { id: Number(d[1]), pollingVcpus: null, ports: [] }));
        continue;
      }
      const poll = /^Polling vCPUs: \{(.*)\}/.exec(t);
      if (poll && dom) {
        dom.pollingVcpus = parseCpuList(poll[1] ?? '');
        continue;
      }
    }
    out.unrecognised.push(line);
  }
  return out;
}

function port(p: RegExpExecArray): EvtchnPort {
  const kv = keyValues(p[5] ?? '');
  const state = num(kv['s']) ?? 0;
  // The other fields, in the order printed (no `delete`: it would leave a slow dictionary object).
  const fields: Record<string, string> = {};
  for (const key of Object.keys(kv))
    if (key !== 's' && key !== 'n' && key !== 'x') fields[key] = kv[key] ?? '';
  return {
    port: Number(p[1]),
    pending: Number(p[2]),
    masked: Number(p[3]),
    selector: (p[4] ?? '').trim(),
    state,
    stateName: STATES[state] ?? null,
    notifyVcpu: num(kv['n']),
    fields,
  };
}
