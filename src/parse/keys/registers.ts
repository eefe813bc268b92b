// `d` — dump registers: one host and/or guest execution state per CPU. Sources: xen/common/keyhandler.c
// (dump_registers, dump_execstate: "*** Dumping CPU%u host state: ***", "… guest state (%pv): ***", 4.4
// "(d%d:v%d)") and the execution-state block in exec-state.ts.

import type { CallTraceEntry } from '../call-trace.js';
import type { ParsedBase } from '../common.js';
import { ExecStateReader, type ExecState } from '../exec-state.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface CpuDump {
  cpu: number;
  /** From the host state when the CPU was in Xen, else from the guest state. */
  rip: string | null;
  symbol: string | null;
  context: string | null;
  callTrace: CallTraceEntry[];
  /** The guest vCPU the CPU was running (`d0v1`), when a guest state was dumped. */
  vcpu: string | null;
  host: ExecState | null;
  guest: ExecState | null;
}

export interface RegistersParsed extends ParsedBase {
  cpus: CpuDump[];
  /** From the first banner: `4.17.7`. */
  xenVersion: string | null;
}

const HOST = /^\*\*\* Dumping CPU(\d+) host state: \*\*\*$/;
const GUEST = /^\*\*\* Dumping CPU(\d+) guest state \((?:d(\d+):v(\d+)|(d\S+?))\): \*\*\*$/;

export function parseRegisters(lines: readonly string[], norms?: readonly NormLine[]): RegistersParsed {
  const byCpu = new Map<
    number,
    { host: ExecStateReader | null; guest: ExecStateReader | null; vcpu: string | null }
  >();
  const unrecognised: string[] = [];
  let current: ExecStateReader | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    if (n.kind !== 'xen') {
      unrecognised.push(line);
      continue;
    }
    if (n.text.trim() === '') continue;
    const text = n.text;
    if (/^'d' pressed -> /.test(text)) continue;
    const host = HOST.exec(text);
    const guest = host ? null : GUEST.exec(text);
    if (host || guest) {
      const cpu = Number((host ?? guest)?.[1]);
      const entry = byCpu.get(cpu) ?? { host: null, guest: null, vcpu: null };
      current = new ExecStateReader();
      if (host) entry.host = current;
      else {
        entry.guest = current;
        entry.vcpu = guest?.[4] ?? `d${guest?.[2] ?? '?'}v${guest?.[3] ?? '?'}`;
      }
      byCpu.set(cpu, entry);
      continue;
    }
    if (!current || !current.accept(text)) unrecognised.push(line);
  }
  const cpus: CpuDump[] = [];
  let xenVersion: string | null = null;
  for (const [cpu, e] of byCpu) {
    const host = e.host?.state ?? null;
    const guest = e.guest?.state ?? null;
    const main = host ?? guest;
    xenVersion ??= host?.banner?.version ?? guest?.banner?.version ?? null;
    cpus.push({
      cpu,
      rip: main?.rip ?? null,
      symbol: main?.symbol ?? null,
      context: main?.context ?? null,
      callTrace: main?.callTrace ?? [],
      vcpu: e.vcpu,
      host,
      guest,
    });
  }
  return { cpus, xenVersion, unrecognised };
}
