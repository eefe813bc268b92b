// The bug-report bundle's mail (`report --bundle DIR`): what xen-devel asks a reporter for, as plain
// text to paste or attach. Findings first, then the Xen that printed the log (version, build id,
// command line), the symbolised call traces, and the console lines the findings point at, numbered.
// Pure: the whole report in, text out; every console byte passes through wrap.ts.

import { findingLines } from '../findings/render.js';
import { frameLine } from '../findings/frames.js';
import type { Finding } from '../findings/model.js';
import type { Report } from '../model.js';
import { excerpts } from './excerpts.js';
import { rawExcerpts } from './raw-excerpts.js';
import { EXCERPT_WIDTH, MAIL_WIDTH, numberedLine, wrapProse } from './wrap.js';

export interface BundleFile {
  /** Its name inside the bundle folder. */
  name: string;
  /** What it is a copy of. */
  of: string;
  bytes: number;
}

export interface MailOptions {
  /** xenkeys' version, for the reader to know what made it. */
  version: string;
  /** The other files of the bundle (the raw log copies). */
  files: readonly BundleFile[];
  /** Their lines, where the findings that name no capture are looked up (a crash, a panic). */
  raw?: readonly { file: string; lines: readonly string[] }[];
}

const rule = (title: string): string[] => ['', title, '='.repeat(Math.min(title.length, MAIL_WIDTH)), ''];

export function bundleMail(report: Report, options: MailOptions): string {
  const out: string[] = [];
  const push = (line: string, hang = 2): void => void out.push(...wrapProse(line, MAIL_WIDTH, hang));
  const top = report.findings[0];
  const version = report.platform.xenVersion;
  push(
    `Suggested subject: ${version ? `Xen ${version}: ` : ''}${top ? plain(top.headline) : 'console report'}`,
  );
  push(
    `Made by xenkeys ${options.version} from ${report.source.files?.join(', ') ?? report.source.name ?? 'stdin'}` +
      `${report.source.target ? ` (console: ${report.source.target})` : ''}` +
      `${report.source.startedAt ? `, recorded from ${report.source.startedAt}` : ''}.`,
  );

  out.push(...rule('Findings'));
  for (const f of report.findings) {
    for (const line of findingMailLines(f)) push(line, 4);
    out.push('');
  }

  out.push(...rule('Xen'));
  for (const [label, value] of xenFacts(report)) if (value !== null) push(`${label}: ${value}`, 4);
  if (report.platform.buildId === null)
    push('Build id: not in the log (the boot log prints it: `xl dmesg | head`).', 4);

  const traces = report.findings.filter((f) => f.rip !== null || f.trace.length > 0);
  if (traces.length > 0) {
    out.push(...rule('Call traces'));
    const symbols = report.symbols;
    push(
      symbols
        ? `Resolved with ${symbols.file} (build id ${symbols.buildId ?? 'unknown'}): ${symbols.resolved} of ${symbols.addresses} Xen addresses.`
        : 'Not resolved: no xen-syms was given or found (--xen-syms FILE, the -dbg package of this Xen).',
    );
    for (const f of traces) {
      out.push('');
      push(`${f.vcpu ? `${f.vcpu} ` : ''}${f.cpu !== null ? `CPU ${f.cpu}: ` : ''}${plain(f.headline)}`);
      for (const line of traceLines(f)) push(`    ${line}`, 6);
    }
  }

  const shown = [
    ...(options.raw ?? []).flatMap((r) => rawExcerpts(report.findings, r.file, r.lines)),
    ...excerpts(report),
  ];
  if (shown.length > 0) {
    out.push(...rule('Console excerpts'));
    push(
      'The lines the findings point at, numbered within their raw log or capture, without the "(XEN) " ' +
        'prefix ("+" continues a long line). The raw log in this bundle has every byte.',
    );
    for (const x of shown) {
      out.push('');
      push(`-- ${x.title}`);
      for (const l of x.lines)
        out.push(...numberedLine(l.n, l.text.replace(/^\(XEN\) ?/, ''), EXCERPT_WIDTH));
      if (x.more > 0) push(`   … ${x.more} more lines in the raw log`);
    }
  }

  const events = report.events.filter((e) => e.type !== 'input-switch');
  if (events.length > 0) {
    out.push(...rule('Events'));
    for (const e of events.slice(0, 40))
      push(`line ${e.line + 1}: ${e.type}${e.cpu !== null ? ` (CPU ${e.cpu})` : ''}: ${e.message}`, 4);
    if (events.length > 40) push(`… and ${events.length - 40} more (report.json has them all).`);
  }

  out.push(...rule('Files'));
  push('xen-report.txt  this text');
  for (const f of options.files) push(`${f.name}  a byte-for-byte copy of ${f.of} (${f.bytes} bytes)`, 4);
  out.push('');
  return out.join('\n');
}

function xenFacts(report: Report): [string, string | null][] {
  const p = report.platform;
  const build = p.xenBuild;
  return [
    ['Xen version', p.xenVersion && build?.vendor ? `${p.xenVersion} (${build.vendor})` : p.xenVersion],
    ['Build id', p.buildId],
    ['Changeset', p.changeset],
    ['Built', build ? [build.by, build.compiler, build.date].filter(Boolean).join(' ') || null : null],
    ['Command line', p.commandLine],
    ['Architecture', [p.arch, p.cpuVendor].filter(Boolean).join(', ') || null],
    ['CPUs', p.cpus === null ? null : String(p.cpus)],
    ['Scheduler', p.schedulerName ?? p.scheduler],
    ['Console ring', p.consoleRingKiB === null ? null : `${p.consoleRingKiB} KiB`],
    ['dom0', [p.dom0Mode?.toUpperCase(), report.dom0.kernel].filter(Boolean).join(', ') || null],
  ];
}

/** A finding as the mail lists it: its trace is in "Call traces", once. */
function findingMailLines(f: Finding): string[] {
  const [head = '', ...rest] = findingLines({ ...f, rip: null, trace: [] });
  const traced = f.rip !== null || f.trace.length > 0;
  return [head, ...(traced ? ['    (call trace: under "Call traces" below)'] : []), ...rest];
}

function traceLines(f: Finding): string[] {
  const lines: string[] = [];
  if (f.rip && f.trace[0]?.address !== f.rip.address) lines.push(`RIP ${frameLine(f.rip)}`);
  lines.push(...f.trace.map(frameLine));
  return lines;
}

/** A headline without its Markdown backticks. */
function plain(text: string): string {
  return text.replace(/`([^`]+)`/g, '$1');
}
