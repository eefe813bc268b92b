// `0` — dump Dom0's (the hardware domain's, 4.5+) registers: one state per vCPU. Sources:
// xen/common/keyhandler.c (dump_hwdom_registers; `*** %pv is offline ***` 4.16+) and
// xen/arch/x86/traps.c vcpu_show_execution_state ("*** Dumping Dom%d vcpu#%d state: ***").

import type { ParsedBase } from '../common.js';
import { ExecStateReader, type ExecState } from '../exec-state.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface VcpuDump {
  vcpu: number;
  domain: number;
  rip: string | null;
  context: string | null;
  offline: boolean;
  state: ExecState | null;
}

export interface Dom0RegistersParsed extends ParsedBase {
  vcpus: VcpuDump[];
}

const VCPU = /^\*\*\* Dumping Dom(\d+) vcpu#(\d+) state: \*\*\*$/;
const OFFLINE = /^\*\*\* d(\d+)v(\d+) is offline \*\*\*$/;

export function parseDom0Registers(
  lines: readonly string[],
  norms?: readonly NormLine[],
): Dom0RegistersParsed {
  const vcpus: VcpuDump[] = [];
  const readers = new Map<VcpuDump, ExecStateReader>();
  const unrecognised: string[] = [];
  let current: ExecStateReader | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    if (n.kind !== 'xen') {
      unrecognised.push(line);
      continue;
    }
    if (n.text.trim() === '') continue;
    if (/^'0' pressed -> /.test(n.text)) continue;
    const v = VCPU.exec(n.text) ?? OFFLINE.exec(n.text);
    if (v) {
      const offline = !n.text.startsWith('*** Dumping');
      const dump: VcpuDump = {
        vcpu: Number(v[2]),
        domain: Number(v[1]),
        rip: null,
        context: null,
        offline,
        state: null,
      };
      vcpus.push(dump);
      current = offline ? null : new ExecStateReader();
      if (current) readers.set(dump, current);
      continue;
    }
    if (!current || !current.accept(n.text)) unrecognised.push(line);
  }
  for (const [dump, reader] of readers) {
    dump.state = reader.state;
    dump.rip = reader.state.rip;
    dump.context = reader.state.context;
  }
  return { vcpus, unrecognised };
}
