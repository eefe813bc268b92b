// What the dumps say is stuck, and what they failed to say: a `d` that stopped before every CPU had
// dumped (Xen dumps CPU after CPU by IPI, so the next one is probably not taking interrupts), output
// cut short, a CPU at the same RIP in two `d` dumps, a vCPU that stayed on one pCPU across two `r`s.

import type { Report } from '../model.js';
import { isIdleSymbol } from '../view-model.js';
import { type DDigest, type FindingsDigest, partKey } from './digest.js';
import { frame, frameText, ranTheKey, spinningAt } from './frames.js';
import { dumpEvidence, stayedVcpus, vcpuName } from './rules-stayed.js';
import { type Evidence, type Finding, finding } from './model.js';

export function dumpFindings(report: Pick<Report, 'platform'>, g: FindingsDigest): Finding[] {
  const rips = sameRip(g);
  const stayed = stayedVcpus(g).filter((s) => {
    // A vCPU that kept running on a pCPU whose RIP did not move either: one finding, naming both.
    // Same RIP on a CPU whose vCPU stayed in the `d` dumps: same-rip names it already.
    if (s.id === 'vcpu-held') return !rips.some((r) => r.cpu === s.cpu);
    const cpu = s.id === 'vcpu-stayed' ? rips.find((r) => r.cpu === s.cpu) : undefined;
    if (!cpu) return true;
    cpu.vcpu ??= s.vcpu;
    cpu.headline = cpu.headline.replace(
      /^CPU (\d+) /,
      `CPU $1 (running ${vcpuName(s.vcpu) ?? s.vcpu} in both \`r\` dumps) `,
    );
    cpu.evidence.push(...s.evidence.filter((e) => e.key === 'r'));
    return false;
  });
  return [...rips, ...stayed, ...incompleteD(report, g), ...cutCaptures(g)];
}

/** The CPU count to expect in a `d`: the last `r`'s online CPUs, else the boot log's count. */
function expectedCpus(report: Pick<Report, 'platform'>, g: FindingsDigest): number[] | null {
  const online = g.r.last?.onlineCpus;
  if (online && online.length > 0) return online;
  const n = report.platform.cpus;
  return n === null ? null : Array.from({ length: n }, (_, i) => i);
}

function incompleteD(report: Pick<Report, 'platform'>, g: FindingsDigest): Finding[] {
  const d = g.d.last;
  if (!d) return [];
  return [...cutCpu(d), ...missingCpus(report, g, d)];
}

/** A CPU in Xen always ends its dump with `Xen call trace:`: one without it was cut off. */
function cutCpu(d: DDigest): Finding[] {
  const c = d.cpus[d.cpus.length - 1];
  if (!c || c.trace.length > 0 || !/^hypervisor/.test(c.context ?? '')) return [];
  return [
    finding(
      'd-cut',
      'warning',
      `\`d\` ends inside CPU ${c.cpu}'s dump, before its call trace: the output was cut`,
      {
        cpu: c.cpu,
        evidence: [
          dumpEvidence(d, c),
          ...(d.lastLine
            ? [
                {
                  capture: d.capture,
                  key: partKey(d, 'd'),
                  line: d.lastLine.line,
                  text: `last line: ${strip(d.lastLine.text)}`,
                },
              ]
            : []),
        ],
        detail: ['What follows (its trace, and any CPU after it) is missing, not absent.'],
        next: { key: 'd', why: 'again, and keep the whole output' },
      },
    ),
  ];
}

function missingCpus(report: Pick<Report, 'platform'>, g: FindingsDigest, d: DDigest): Finding[] {
  const expected = expectedCpus(report, g);
  const dumped = new Set(d.cpus.map((c) => c.cpu));
  const top = Math.max(-1, ...dumped);
  const missing = (expected ?? Array.from({ length: top + 1 }, (_, i) => i)).filter((c) => !dumped.has(c));
  if (missing.length === 0) return [];
  const first = missing[0] as number;
  const of = expected ? ` of ${expected.length}` : '';
  const last = d.lastLine;
  const evidence: Evidence[] = [
    {
      capture: d.capture,
      key: partKey(d, 'd'),
      line: null,
      text: `dumped CPUs ${list([...dumped])}${of}; missing ${list(missing)}`,
    },
  ];
  if (last)
    evidence.push({
      capture: d.capture,
      key: partKey(d, 'd'),
      line: last.line,
      text: `last line: ${strip(last.text)}`,
    });
  return [
    finding(
      'd-incomplete',
      'error',
      `\`d\` stopped before CPU ${first} dumped: CPU ${first} is likely stuck with interrupts off (${missing.length} CPU${missing.length > 1 ? 's' : ''} never dumped${of ? `, ${dumped.size}${of} did` : ''})`,
      {
        cpu: first,
        evidence,
        detail: [
          'Xen dumps the CPUs one after another, each asked by an IPI: a CPU that never answers is missing data, not "nothing found".',
        ],
        next: { key: 'r', why: `what CPU ${first} was running; then \`d\` again to see whether it answers` },
      },
    ),
  ];
}

function cutCaptures(g: FindingsDigest): Finding[] {
  if (g.cut.length === 0) return [];
  const out = g.cut.map((c) =>
    finding(
      'capture-cut',
      'warning',
      `\`${c.key}\` output is incomplete (${c.endReason ?? 'its end never came'}): what is missing is unknown, not absent`,
      {
        evidence: c.lastLine
          ? [
              {
                capture: c.capture,
                key: c.key,
                line: c.lastLine.line,
                text: `last line: ${strip(c.lastLine.text)}`,
              },
            ]
          : [{ capture: c.capture, key: c.key, line: null, text: `${c.lines} lines` }],
        next: { key: c.key, why: 'again, with a longer wait (--quiet) or a faster line' },
      },
    ),
  );
  if (g.cutCount > g.cut.length)
    out.push(finding('capture-cut', 'warning', `… and ${g.cutCount - g.cut.length} more captures cut short`));
  return out;
}

function sameRip(g: FindingsDigest): Finding[] {
  const a = g.d.first;
  const b = g.d.last;
  if (!a || !b || a === b) return [];
  const byCpu = new Map(b.cpus.map((c) => [c.cpu, c]));
  const out: Finding[] = [];
  for (const ca of a.cpus) {
    const cb = byCpu.get(ca.cpu);
    if (!cb || ca.rip === null || ca.rip !== cb.rip || isIdleSymbol(ca.symbol)) continue;
    if (ranTheKey(a, ca) && ranTheKey(b, cb)) continue;
    const rip = frame(cb.rip ?? '', cb.symbol);
    const trace = cb.trace.map((t) => frame(t.address, t.symbol));
    const spin = spinningAt([rip, ...trace]);
    const who = vcpuName(cb.vcpu);
    const what = spin
      ? `spinning in ${frameText(spin)} (a lock or a wait for other CPUs)`
      : `at ${frameText(rip)}`;
    out.push(
      finding(
        'same-rip',
        'error',
        `CPU ${ca.cpu}${who ? ` (${who})` : ''} did not move: ${what} in both \`d\` dumps`,
        {
          cpu: ca.cpu,
          vcpu: cb.vcpu,
          rip,
          trace,
          evidence: [dumpEvidence(a, ca), dumpEvidence(b, cb)],
          detail: [`RIP ${cb.rip} ${cb.context ?? ''}`.trim()],
          next: { key: 'd', why: 'once more: a third identical RIP makes it certain' },
        },
      ),
    );
  }
  return out;
}

function list(cpus: number[]): string {
  const sorted = [...cpus].sort((x, y) => x - y);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ') || 'none';
}

/** A console line without its `(XEN)` prefix and timestamp. */
export function strip(line: string): string {
  return line.replace(/^\s*\((?:XEN|d\d+)\)\s?(?:\[[^\]]*\]\s?)?/, '').trim();
}
