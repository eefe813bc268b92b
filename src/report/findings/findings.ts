// The findings of a report, ranked: what died first, then what is stuck or lost, then what to look at,
// then facts (the domains as `xl list` reads them) and advice. A report with nothing wrong says so in a
// finding of its own. Pure: report facts and the captures' digest in, findings out.

import type { Report } from '../model.js';
import type { FindingsDigest } from './digest.js';
import { type Finding, SEVERITY_RANK, finding } from './model.js';
import { adviceFindings, consoleFindings } from './rules-console.js';
import { crashFindings } from './rules-crash.js';
import { domainFindings } from './rules-domains.js';
import { dumpFindings } from './rules-dumps.js';

export type FindingsFacts = Pick<Report, 'events' | 'dom0' | 'platform'>;

export function buildFindings(report: FindingsFacts, digest: FindingsDigest): Finding[] {
  const trouble = [
    ...crashFindings(report),
    ...dumpFindings(report, digest),
    ...consoleFindings(report, digest),
    ...domainFindings(digest),
  ];
  const chasing = trouble.some((f) => f.severity === 'critical' || f.severity === 'error');
  const all = merged([...trouble, ...adviceFindings(report, chasing)]);
  if (!all.some((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK.warning))
    all.unshift(healthy(report, digest));
  // Stable: within a severity, the order the rules found them (crash before stuck before lost).
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

/** Evidence kept for a finding seen many times (a months-long log repeats its crashes). */
const EVIDENCE_KEPT = 8;

/** The same finding seen again (same kind, same words) is one finding, counted, with its first evidence. */
function merged(findings: Finding[]): Finding[] {
  const seen = new Map<string, { finding: Finding; times: number }>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.id}\n${f.headline}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, { finding: f, times: 1 });
      out.push(f);
      continue;
    }
    first.times++;
    const room = EVIDENCE_KEPT - first.finding.evidence.length;
    if (room > 0) first.finding.evidence.push(...f.evidence.slice(0, room));
  }
  for (const { finding: f, times } of seen.values()) if (times > 1) f.headline += ` (${times} times)`;
  return out;
}

function healthy(report: FindingsFacts, g: FindingsDigest): Finding {
  const looked = g.keys.length
    ? `the output of ${g.keys.map((k) => `\`${k}\``).join(' ')}`
    : 'the console lines';
  const single = g.d.count < 2 && g.r.count < 2;
  return finding(
    'healthy',
    'info',
    `Nothing wrong found: no crash, panic or watchdog, and ${looked} show nothing stuck or lost`,
    {
      detail: [
        `${report.events.length} events read${report.platform.xenVersion ? ` from Xen ${report.platform.xenVersion}` : ''}.`,
        ...(single
          ? [
              'Only one `d`/`r` dump (or none): a CPU or vCPU stuck over time shows only between two (`--preset stuck-cpu`).',
            ]
          : []),
      ],
      next: single ? { key: 'r d r d', why: 'two run-queue and register dumps, to see what moves' } : null,
    },
  );
}
