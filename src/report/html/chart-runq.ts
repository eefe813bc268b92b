// Run queues from `r`, drawn per physical CPU: what runs there now (a guest vCPU in green, idle in grey)
// and the vCPUs queued behind it (amber), so a long queue or a vCPU stuck on one CPU stands out. credit2
// and other schedulers with shared run queues get a row per queue after the CPUs.

import type { ParsedByKey } from '../model.js';
import { waiting } from '../view-keys.js';
import { isIdleVcpu } from '../view-model.js';
import { fit, rect, svgChart, text } from './svg.js';

const ROW = 24;
const LABEL = 74;
const CHIP = 88;
const GAP = 4;
const MAX_CHIPS = 10;
const MAX_ROWS = 512;

interface Row {
  label: string;
  current: string | null;
  queue: string[];
}

export function runqChart(id: string, r: ParsedByKey['r']): string | null {
  const rows: Row[] = [
    ...r.cpus.map((c) => ({ label: `CPU ${c.cpu}`, current: c.current, queue: waiting(c.queue) })),
    ...r.runqueues.map((q) => ({ label: `runq ${q.id}`, current: null, queue: waiting(q.queue) })),
  ].slice(0, MAX_ROWS);
  if (rows.length === 0) return null;
  const longest = Math.max(0, ...rows.map((x) => Math.min(x.queue.length, MAX_CHIPS)));
  const body: string[] = [];
  rows.forEach((row, i) => {
    const y = i * ROW + 4;
    body.push(text(LABEL - 8, y + 14.5, row.label, { anchor: 'end' }));
    let x = LABEL;
    if (row.label.startsWith('CPU')) {
      const idle = row.current === null || isIdleVcpu(row.current);
      const label = row.current === null ? '?' : idle ? 'idle' : row.current;
      body.push(
        rect(
          x,
          y,
          CHIP,
          ROW - 5,
          idle ? 'idle' : 'run',
          `${row.label}: ${row.current ?? 'current vCPU not printed'}`,
          3,
        ),
      );
      body.push(
        text(x + CHIP / 2, y + 13.5, fit(label, CHIP), {
          anchor: 'middle',
          cls: idle ? 'mono muted' : 'mono on-dark',
        }),
      );
      x += CHIP + GAP * 3;
    }
    for (const [j, v] of row.queue.slice(0, MAX_CHIPS).entries()) {
      body.push(rect(x, y, CHIP, ROW - 5, 'queued', `${v} queued on ${row.label} (position ${j + 1})`, 3));
      body.push(text(x + CHIP / 2, y + 13.5, fit(v, CHIP), { anchor: 'middle', cls: 'mono on-dark' }));
      x += CHIP + GAP;
    }
    const more = row.queue.length - MAX_CHIPS;
    if (row.queue.length === 0 && !row.label.startsWith('CPU'))
      body.push(text(x + 2, y + 13, 'empty (shared by its CPUs)', { cls: 'muted' }));
    if (row.queue.length > 0)
      body.push(
        text(
          x + 4,
          y + 13,
          more > 0 ? `+${more} more (${row.queue.length} queued)` : `${row.queue.length} queued`,
          { cls: 'muted' },
        ),
      );
  });
  const guests = r.cpus.filter((c) => c.current !== null && !isIdleVcpu(c.current)).length;
  const queued = rows.reduce((n, x) => n + x.queue.length, 0);
  return svgChart(
    {
      id,
      title: 'Run queues per CPU (from r)',
      desc: `${r.cpus.length} CPUs: ${guests} running a guest vCPU, ${queued} vCPUs queued in all.`,
      width: LABEL + CHIP + GAP * 3 + longest * (CHIP + GAP) + 150,
      height: rows.length * ROW + 8,
    },
    body,
    [
      { cls: 'run', label: 'running guest vCPU' },
      { cls: 'idle', label: 'idle' },
      { cls: 'queued', label: 'queued, waiting for this CPU' },
    ],
  );
}
