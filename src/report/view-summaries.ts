// One line per key for the keys without a table of their own (h, e, i, a, t, z, M, Q, g, c, n, s, w, x,
// I, v): enough to know whether to open the verbatim text below it. A key added to the parsers without a
// line here still gets a generic one, never an error.

import type { ParsedByKey } from './model.js';
import { type KeySection, group } from './view-model.js';

const plural = (n: number, word: string): string => `${group(n)} ${word}${n === 1 ? '' : 's'}`;

type Summaries = { [K in keyof ParsedByKey]?: (p: ParsedByKey[K]) => string };

const SUMMARIES: Summaries = {
  h: (p) => `${plural(p.handlers.length, 'key')}: ${p.handlers.map((x) => x.key).join(' ')}`,
  e: (p) => {
    const ports = p.domains.flatMap((d) => d.ports);
    const pending = ports.filter((x) => x.pending).length;
    const masked = ports.filter((x) => x.masked).length;
    return `${plural(ports.length, 'event channel')} in ${plural(p.domains.length, 'domain')}; ${pending} pending, ${masked} masked`;
  },
  i: (p) => {
    const guest = p.irqs.filter((x) => x.guests.length > 0).length;
    return `${plural(p.irqs.length, 'IRQ')}, ${guest} bound to guests; ${plural(p.ioApicPins.length, 'IO-APIC pin')}`;
  },
  a: (p) => {
    const n = p.cpus.reduce((s, c) => s + c.timers.length, 0);
    return `${plural(n, 'timer')} queued on ${plural(p.cpus.length, 'CPU')}`;
  },
  t: (p) =>
    [
      p.stimeSkew?.max !== null && p.stimeSkew?.max !== undefined
        ? `stime skew max ${group(p.stimeSkew.max)} ns`
        : null,
      p.cyclesSkew?.max !== null && p.cyclesSkew?.max !== undefined
        ? `cycles skew max ${group(p.cyclesSkew.max)}`
        : null,
    ]
      .filter(Boolean)
      .join(', ') || 'no skew figures',
  z: (p) =>
    `${plural(p.ioApics.length, 'IO-APIC')}, ${plural(Object.keys(p.irqToPin).length, 'IRQ')} routed to pins${p.complete ? '' : ' (cut short)'}`,
  M: (p) => plural(p.entries.length, 'MSI entry').replace(/entrys$/, 'entries'),
  Q: (p) => `${plural(p.devices.length, 'PCI device')}`,
  g: (p) => `grant tables of ${plural(p.domains.length, 'domain')}${p.complete ? '' : ' (cut short)'}`,
  c: (p) => `C-states of ${plural(p.cpus.length, 'CPU')}${p.maxState ? `; max ${p.maxState}` : ''}`,
  n: (p) => {
    const cpus = p.cpus.map((c) => `CPU${c.cpu} ${group(c.nmis)}`).join(', ');
    const v = p.vcpu
      ? `; ${p.vcpu.vcpu} NMI ${p.vcpu.pending ? 'pending' : 'not pending'}${p.vcpu.masked ? ', masked' : ''}`
      : '';
    return `NMIs: ${cpus || 'none listed'}${v}`;
  },
  s: (p) =>
    `${p.tsc ?? 'TSC state not printed'}${p.domains.length ? `; ${plural(p.domains.length, 'domain')} with TSC stats` : ''}`,
  w: (p) =>
    [
      `console ring replay of ${plural(p.replayLines, 'line')}`,
      p.complete ? null : 'closing header never came',
      p.startsMidLine ? 'the ring had wrapped' : null,
      p.sections.length ? `holds output of ${p.sections.map((s) => s.key).join(' ')}` : null,
      p.failure,
    ]
      .filter(Boolean)
      .join('; '),
  x: (p) =>
    p.patches.length
      ? `${plural(p.patches.length, 'livepatch')}: ${p.patches.map((x) => `${x.name} ${x.state}`).join(', ')}`
      : 'no livepatches',
  I: (p) => `HVM IRQ state of ${plural(p.domains.length, 'domain')}`,
  v: (p) =>
    `${p.kind?.toUpperCase() ?? 'VMCS/VMCB'} dump of ${plural(p.domains.length, 'HVM domain')}${p.complete ? '' : ' (cut short)'}`,
};

export function summaryLine(s: KeySection): string {
  if (s.parsed === null || s.parsed === undefined) return `${plural(s.lines, 'line')}, not parsed`;
  const fn = (SUMMARIES as Record<string, ((p: unknown) => string) | undefined>)[s.key];
  const unrecognised = (s.parsed as { unrecognised?: unknown[] }).unrecognised?.length ?? 0;
  const extra = unrecognised ? ` (${plural(unrecognised, 'line')} not understood)` : '';
  try {
    return `${fn ? fn(s.parsed) : plural(s.lines, 'line')}${extra}`;
  } catch {
    // A report written by another version may lack a field; the verbatim text still says it all.
    return `${plural(s.lines, 'line')}${extra}`;
  }
}
