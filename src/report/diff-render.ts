// `xenkeys diff` output: the ReportDiff as blocks (a title, sentences, a table), drawn as aligned plain
// text for a terminal or as Markdown for a ticket; JSON is the ReportDiff itself. Findings come first,
// then the evidence behind them.

import { stuckHints } from './diff-hints.js';
import type { DumpRef, ReportDiff } from './diff.js';
import { mdTable, mdText } from './markdown.js';
import {
  type Table,
  cell,
  code,
  cpuList,
  group,
  kibToSize,
  pagesToSize,
  seconds,
  showControls,
} from './view-model.js';

interface Block {
  title: string;
  lines: string[];
  table: Table | null;
}

const ref = (r: DumpRef): string =>
  `${r.side} ${r.partOf ? `${r.partOf}/` : ''}${r.key} #${r.capture + 1}${r.start !== null ? ` at ${seconds(r.start)}` : ''}`;
const between = (x: { from: DumpRef; to: DumpRef }): string => `${ref(x.from)} → ${ref(x.to)}`;
const signed = (n: number | null, unit: (n: number) => string): string =>
  n === null
    ? '—'
    : n === 0
      ? '0'
      : `${n > 0 ? '+' : '-'}${group(Math.abs(n))} (${n > 0 ? '+' : '-'}${unit(Math.abs(n))})`;
const num = (n: number | null): string => (n === null ? '—' : group(n));

export function diffBlocks(diff: ReportDiff): Block[] {
  const blocks: Block[] = [];
  const hints = stuckHints(diff);
  blocks.push({
    title: 'Stuck-vCPU hints',
    lines: hints.length
      ? hints.map((h) => h.text)
      : [
          diff.runq || diff.registers
            ? 'None: no guest vCPU stayed on one pCPU, and no busy CPU kept its RIP.'
            : 'No r or d dumps to compare.',
        ],
    table: null,
  });
  if (diff.newEvents.length)
    blocks.push({
      title: 'New alarming events in B',
      lines: diff.newEvents.map((e) => `${e.type}: ${e.message}`),
      table: null,
    });
  if (diff.runq) blocks.push(runqBlock(diff.runq));
  if (diff.registers) blocks.push(registersBlock(diff.registers));
  if (diff.domains) {
    const d = diff.domains;
    const ids = (xs: number[]): string => (xs.length ? xs.map((x) => `d${x}`).join(' ') : 'none');
    blocks.push({
      title: `Domains (${between(d)})`,
      lines: [`appeared: ${ids(d.appeared)}`, `vanished: ${ids(d.vanished)}`, `in both: ${ids(d.kept)}`],
      table: null,
    });
  }
  if (diff.domainPages) {
    const moved = diff.domainPages.rows.filter((r) => r.delta !== 0);
    blocks.push({
      title: `Domain memory, nr_pages (${between(diff.domainPages)})`,
      lines: moved.length ? [] : ['No change.'],
      table: moved.length
        ? {
            caption: 'nr_pages per domain',
            columns: [
              { label: 'domain' },
              { label: 'A', numeric: true },
              { label: 'B', numeric: true },
              { label: 'change', numeric: true },
            ],
            rows: moved.map((r) => [
              code(`d${r.domain}`),
              cell(num(r.a)),
              cell(num(r.b)),
              cell(signed(r.delta, pagesToSize)),
            ]),
          }
        : null,
    });
  }
  if (diff.numa) {
    const n = diff.numa;
    const rows = [
      ...n.nodes
        .filter((x) => x.delta !== 0)
        .map((x) => [
          cell(`node ${x.node} free`),
          cell(num(x.a)),
          cell(num(x.b)),
          cell(signed(x.delta, pagesToSize)),
        ]),
      ...n.domains
        .filter((x) => x.delta !== 0)
        .map((x) => [
          cell(`d${x.domain} on node ${x.node}`),
          cell(num(x.a)),
          cell(num(x.b)),
          cell(signed(x.delta, pagesToSize)),
        ]),
    ];
    blocks.push({
      title: `NUMA pages (${between(n)})`,
      lines: rows.length ? [] : ['No change.'],
      table: rows.length
        ? {
            caption: 'pages',
            columns: [
              { label: 'what' },
              { label: 'A', numeric: true },
              { label: 'B', numeric: true },
              { label: 'change', numeric: true },
            ],
            rows,
          }
        : null,
    });
  }
  if (diff.heap) {
    const rows = diff.heap.rows.filter((x) => x.delta !== 0);
    blocks.push({
      title: `Free heap memory, kB (${between(diff.heap)})`,
      lines: rows.length ? [] : ['No change.'],
      table: rows.length
        ? {
            caption: 'free kB',
            columns: [
              { label: 'heap' },
              { label: 'A', numeric: true },
              { label: 'B', numeric: true },
              { label: 'change', numeric: true },
            ],
            rows: rows.map((x) => [
              cell(x.heap),
              cell(num(x.a)),
              cell(num(x.b)),
              cell(signed(x.delta, kibToSize)),
            ]),
          }
        : null,
    });
  }
  if (diff.platform.length)
    blocks.push({
      title: 'Platform differs (two hosts, or a reboot?)',
      lines: diff.platform.map((p) => `${p.field}: ${p.a} → ${p.b}`),
      table: null,
    });
  if (diff.notes.length) blocks.push({ title: 'Not compared', lines: diff.notes, table: null });
  return blocks;
}

function runqBlock(r: NonNullable<ReportDiff['runq']>): Block {
  const lines: string[] = [];
  if (r.elapsedNs !== null) lines.push(`${(r.elapsedNs / 1e9).toFixed(3)} s apart by Xen's clock (NOW).`);
  if (r.stayed.length === 0)
    lines.push('No guest vCPU was running or queued on the same pCPU in both dumps.');
  if (r.idleInBoth.length) lines.push(`Idle in both: ${cpus(r.idleInBoth)}.`);
  return {
    title: `Run queues (${between(r)})`,
    lines,
    table: r.stayed.length
      ? {
          caption: 'vCPUs on the same pCPU in both dumps',
          columns: [{ label: 'vCPU' }, { label: 'where' }, { label: 'in both' }],
          rows: r.stayed.map((s) => [
            code(s.vcpu),
            cell(s.cpu !== null ? `pCPU ${s.cpu}` : `run queue ${s.runqueue}`),
            cell(s.state, { tone: s.state === 'queued' ? 'bad' : 'warn' }),
          ]),
        }
      : null,
  };
}

function registersBlock(d: NonNullable<ReportDiff['registers']>): Block {
  const busy = d.unchanged.filter((c) => !c.idle);
  const idle = d.unchanged.filter((c) => c.idle).map((c) => c.cpu);
  const lines = [
    busy.length
      ? `${busy.length} busy CPU${busy.length === 1 ? '' : 's'} kept the same RIP.`
      : 'No busy CPU kept the same RIP.',
    ...(idle.length ? [`Idle at the same RIP in both: ${cpus(idle)}.`] : []),
    ...d.changed.map((c) => `CPU ${c.cpu} moved: ${c.a ?? '?'} → ${c.b ?? '?'}`),
  ];
  return {
    title: `Registers (${between(d)})`,
    lines,
    table: busy.length
      ? {
          caption: 'CPUs whose RIP did not change',
          columns: [{ label: 'CPU', numeric: true }, { label: 'RIP' }, { label: 'symbol' }],
          rows: busy.map((c) => [cell(c.cpu), code(c.rip), code(c.symbol, 'bad')]),
        }
      : null,
  };
}

const cpus = (xs: number[]): string => `CPU${xs.length === 1 ? '' : 's'} ${cpuList(xs)}`;

function heading(diff: ReportDiff): string {
  return diff.within
    ? `Within ${diff.a}: the first and the last dump of each key`
    : `A: ${diff.a}\nB: ${diff.b}`;
}

export function renderDiffText(diff: ReportDiff): string {
  const out = [`xenkeys diff\n${heading(diff)}\n`];
  for (const b of diffBlocks(diff)) {
    out.push(`${b.title}\n${'-'.repeat(Math.min(b.title.length, 100))}`);
    for (const l of b.lines) out.push(`  ${l}`);
    if (b.table) out.push(`${b.lines.length ? '\n' : ''}${textTable(b.table)}`);
    out.push('');
  }
  // A terminal must not act on escape sequences a console line carried into a symbol or name.
  return showControls(out.join('\n'));
}

export function renderDiffMarkdown(diff: ReportDiff): string {
  const out = [`# xenkeys diff\n\n${heading(diff).split('\n').map(mdText).join('  \n')}\n`];
  for (const b of diffBlocks(diff)) {
    out.push(`## ${mdText(b.title)}\n`);
    if (b.lines.length) out.push(`${b.lines.map((l) => `- ${mdText(l)}`).join('\n')}\n`);
    if (b.table) out.push(mdTable(b.table));
  }
  return out.join('\n');
}

/** Columns padded to their widest cell; numbers right-aligned, like `column -t` would. */
export function textTable(t: Table): string {
  const head = t.columns.map((c) => c.label);
  const rows = t.rows.map((r) => r.map((c) => c.text));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells
      .map((c, i) => (t.columns[i]?.numeric ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()}`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
