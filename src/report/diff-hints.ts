// The findings of a diff as sentences, strongest first: a vCPU queued on the same pCPU in both `r`
// dumps, a busy CPU at the same RIP in both `d` dumps, then vCPUs merely running on the same pCPU. Used
// at the top of `xenkeys diff` and, for a report's own first and last dumps, of the Markdown and HTML.

import { type ReportDiff, type StayedVcpu, diffReports } from './diff.js';
import type { Report } from './model.js';

export interface Hint {
  text: string;
  /** Queued in both, or a busy CPU at the same RIP: look here first. Running in both is weaker. */
  strong: boolean;
}

/** Beyond this many of one kind, the rest are counted, not listed: `xenkeys diff` has them all. */
const HINTS_LISTED = 8;

/** The findings in a sentence each, strongest first, for the top of a report or diff. */
export function stuckHints(diff: ReportDiff): Hint[] {
  const apart = diff.runq?.elapsedNs ? ` (${(diff.runq.elapsedNs / 1e9).toFixed(1)} s apart)` : '';
  const where = (s: StayedVcpu): string => (s.cpu !== null ? `pCPU ${s.cpu}` : `run queue ${s.runqueue}`);
  const stayed = diff.runq?.stayed ?? [];
  const queued = stayed
    .filter((s) => s.state === 'queued')
    .map((s) => `${s.vcpu} was queued on ${where(s)} in both r dumps${apart}: it may never have got to run.`);
  const busy = (diff.registers?.unchanged ?? [])
    .filter((c) => !c.idle)
    .map(
      (c) => `CPU ${c.cpu} was at ${c.symbol ?? c.rip} (${c.rip}) in both d dumps: stuck or spinning there?`,
    );
  const running = stayed
    .filter((s) => s.state === 'running')
    .map((s) => `${s.vcpu} was running on ${where(s)} in both r dumps${apart}.`);
  const capped = (texts: string[], strong: boolean, what: string): Hint[] => [
    ...texts.slice(0, HINTS_LISTED).map((text) => ({ text, strong })),
    ...(texts.length > HINTS_LISTED
      ? [{ text: `… and ${texts.length - HINTS_LISTED} more ${what}.`, strong }]
      : []),
  ];
  return [
    ...capped(queued, true, 'vCPUs queued on the same pCPU in both dumps'),
    ...capped(busy, true, 'busy CPUs at the same RIP in both dumps'),
    ...capped(running, false, 'vCPUs running on the same pCPU in both dumps'),
  ];
}

/** For a report's own top: what its first and last `r`/`d` dumps say, or null with fewer than two. */
export function dumpHints(report: Report): { compared: string; hints: Hint[] } | null {
  const diff = diffReports(report, null, { a: report.source.name ?? 'this report' });
  const compared = [diff.runq, diff.registers]
    .filter((x): x is NonNullable<typeof x> => x !== null)
    .map(
      (x) =>
        `${x.from.key} #${x.from.capture + 1} with ${x.to.partOf ? `${x.to.partOf}/` : ''}${x.to.key} #${x.to.capture + 1}`,
    );
  return compared.length ? { compared: compared.join(', '), hints: stuckHints(diff) } : null;
}
