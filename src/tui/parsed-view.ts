// The side panel's view of a capture built on its parsed structure: domains and their vCPUs for
// `q`, what each CPU runs and queues for `r`, where each CPU was for `d`, and so on, above the
// capture's counts and first lines. Pure: capture in, view out.

import type { KeyCapture } from '../console/key-runner.js';
import { emptyBootInfo } from '../parse/boot.js';
import { Dom0Scanner } from '../parse/dom0-virt.js';
import { hasParser, parseKey, type ParsedByKey } from '../parse/key-parsers.js';
import { FindingsFold } from '../report/findings/digest-fold.js';
import { buildFindings } from '../report/findings/findings.js';
import { captureView, type ReportView } from './report-view.js';

type Section = ReportView['sections'][number];

export function parsedCaptureView(capture: KeyCapture): ReportView {
  return parsedCaptureViewOf(capture, null);
}

/**
 * The same, given the capture's structure when the caller has it already; null: parse it here (as
 * each key ends: the panel does not wait for the report, which is parsed on a worker thread).
 */
export function parsedCaptureViewOf(
  capture: KeyCapture,
  parsed: ParsedByKey[keyof ParsedByKey] | null,
): ReportView {
  const base = captureView(capture);
  if (capture.text === '' || !hasParser(capture.key)) return base;
  parsed ??= parseKey(capture.key, capture.text.split('\n'));
  const sections = parsed ? sectionsFor(capture.key, parsed) : [];
  return { title: base.title, sections: [...findingsOf(capture, parsed), ...sections, ...base.sections] };
}

/**
 * What the report's findings say is wrong in this one capture (a `w` that lost output, a `d` cut short,
 * a paused or dying domain in a `q`…): facts and advice stay in the report, the panel is small.
 */
function findingsOf(capture: KeyCapture, parsed: ParsedByKey[keyof ParsedByKey] | null): Section[] {
  const fold = new FindingsFold();
  const complete = capture.endReason === 'quiet' || capture.endReason === 'no-output';
  fold.add({ ...capture, parsed, found: 'marker', endReason: capture.endReason, complete }, 0);
  const digest = fold.digest();
  const facts = { platform: emptyBootInfo(), events: [], dom0: new Dom0Scanner().result() };
  const rows = buildFindings(facts, digest)
    .filter((f) => f.severity === 'critical' || f.severity === 'error' || f.severity === 'warning')
    .map((f) => [f.severity.toUpperCase(), f.headline.replace(/`/g, '')]);
  return rows.length ? [{ heading: 'findings', rows }] : [];
}

function sectionsFor(key: keyof ParsedByKey, parsed: ParsedByKey[keyof ParsedByKey]): Section[] {
  switch (key) {
    case 'q':
      return domains(parsed as ParsedByKey['q']);
    case 'r':
      return runQueues(parsed as ParsedByKey['r']);
    case 'd':
      return cpus(parsed as ParsedByKey['d']);
    case '0':
      return dom0Vcpus(parsed as ParsedByKey['0']);
    case 'm':
      return memory(parsed as ParsedByKey['m']);
    case 'u':
      return numa(parsed as ParsedByKey['u']);
    case 'h':
      return [
        {
          heading: 'handlers',
          rows: (parsed as ParsedByKey['h']).handlers.map((h) => [h.key, h.description]),
        },
      ];
    case '*':
      return [
        {
          heading: 'parts',
          rows: (parsed as ParsedByKey['*']).parts.map((p) => [p.key, p.description, `${p.lines} lines`]),
        },
      ];
    default:
      return [];
  }
}

function domains(q: ParsedByKey['q']): Section[] {
  const rows = q.domains.map((d) => [
    `d${d.id}`,
    `${d.nrPages ?? '?'} pages`,
    d.vcpus.map((v) => `v${v.id}→${v.cpu ?? '?'}${v.running ? '*' : ''}`).join(' '),
  ]);
  return [{ heading: `domains (${q.domains.length}; vCPU→pCPU, * running)`, rows }];
}

function runQueues(r: ParsedByKey['r']): Section[] {
  const rows = r.cpus.map((c) => [
    `CPU${c.cpu}`,
    c.current ?? '?',
    c.queue.length === 0 ? '' : `queued: ${c.queue.map((u) => u.vcpu).join(' ')}`,
  ]);
  return [{ heading: `run queues (${r.scheduler ?? 'scheduler ?'})`, rows }];
}

function cpus(d: ParsedByKey['d']): Section[] {
  const rows = d.cpus.map((c) => [`CPU${c.cpu}`, c.vcpu ?? c.context ?? '', c.symbol ?? c.rip ?? '?']);
  return [{ heading: `CPUs (${d.cpus.length})`, rows }];
}

function dom0Vcpus(z: ParsedByKey['0']): Section[] {
  const rows = z.vcpus.map((v) => [
    `d${v.domain}v${v.vcpu}`,
    v.offline ? 'offline' : (v.context ?? ''),
    v.rip ?? '',
  ]);
  return [{ heading: 'dom0 vCPUs', rows }];
}

function memory(m: ParsedByKey['m']): Section[] {
  const kib = (n: number | null): string => (n === null ? '?' : `${Math.round(n / 1024)} MiB`);
  const rows = [
    ['Dom heap free', kib(m.domHeapFreeKiB)],
    ['Xen heap free', kib(m.xenHeapFreeKiB)],
    ...Object.entries(m.heapFreeKiB).map(([zone, n]) => [`heap[${zone}] free`, kib(n)]),
  ];
  return [{ heading: 'memory', rows }];
}

function numa(u: ParsedByKey['u']): Section[] {
  return [
    {
      heading: 'NUMA nodes',
      rows: u.nodes.map((n) => [`node ${n.id}`, `${n.sizePages ?? '?'} pages`, `${n.freePages ?? '?'} free`]),
    },
    {
      heading: 'pages by domain and node',
      rows: u.domains.map((d) => [
        `d${d.id}`,
        `${d.totalPages ?? '?'} total`,
        Object.entries(d.pagesByNode)
          .map(([n, p]) => `node ${n}: ${p}`)
          .join(', '),
      ]),
    },
  ];
}
