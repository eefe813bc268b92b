// `v` — dump VT-x VMCSs / AMD-V VMCBs (no header): framed by `*********** VMC[SB] Areas **************`
// and a closing row of stars; per HVM domain `>>> Domain %d <<<`, per vCPU `\tVCPU %d`. Sources:
// xen/arch/x86/hvm/vmx/vmcs.c vmcs_dump, xen/arch/x86/hvm/svm/vmcb.c vmcb_dump.

import type { ParsedBase } from '../common.js';
import { keyLines } from '../key-lines.js';
import type { NormLine } from '../prefix.js';

export interface VmcsParsed extends ParsedBase {
  kind: 'vmcs' | 'vmcb' | null;
  domains: { id: number; vcpus: { id: number; lines: string[] }[] }[];
  complete: boolean;
}

export function parseVmcs(lines: readonly string[], norms?: readonly NormLine[]): VmcsParsed {
  const out: VmcsParsed = { kind: null, domains: [], complete: false, unrecognised: [] };
  let dom: VmcsParsed['domains'][number] | null = null;
  let vcpu: { id: number; lines: string[] } | null = null;
  for (const { line, n } of keyLines(lines, norms)) {
    const t = n.text;
    if (n.kind !== 'xen') {
      out.unrecognised.push(line);
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\*+ VMC([SB]) Areas \*+$/.exec(t))) out.kind = m[1] === 'S' ? 'vmcs' : 'vmcb';
    else if (/^\*{20,}$/.test(t)) out.complete = true;
    else if ((m = /^>>> Domain (\d+) <<<$/.exec(t)))
      out.domains.push((dom = { id: Number(m[1]), vcpus: [] }));
    else if ((m = /^\s*VCPU (\d+)/.exec(t)) && dom) dom.vcpus.push((vcpu = { id: Number(m[1]), lines: [] }));
    else if (vcpu) vcpu.lines.push(t);
    else if (t.trim() !== '') out.unrecognised.push(line);
  }
  return out;
}
