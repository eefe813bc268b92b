// Lost output and the boot settings that lose it: the console ring wrapped (`w`), printk's rate limit
// (`messages suppressed`), and advice — not faults — about noreboot, conring_size, sync_console and the
// NMI watchdog (xen-console.md §2–5: the ring is 16 KiB unless sized; Xen reboots after a panic).

import type { Report } from '../model.js';
import { type FindingsDigest, partKey } from './digest.js';
import { eventEvidence } from './rules-crash.js';
import { strip } from './rules-dumps.js';
import { type Finding, finding } from './model.js';

export function consoleFindings(report: Pick<Report, 'events' | 'platform'>, g: FindingsDigest): Finding[] {
  const out: Finding[] = [];
  const w = g.w;
  if (w?.failure)
    out.push(
      finding('ring-dump-failed', 'warning', `\`w\` could not dump the console ring: ${w.failure}`, {
        evidence: [{ capture: w.capture, key: partKey(w, 'w'), line: null, text: w.failure }],
      }),
    );
  else if (w?.startsMidLine) {
    const from = w.firstTimestamp ? ` (it starts at ${w.firstTimestamp})` : '';
    out.push(
      finding(
        'ring-overrun',
        'warning',
        `The console ring wrapped: \`w\` replays only its last ${w.replayLines} lines${from}; older output is lost`,
        {
          evidence: w.firstLine
            ? [
                {
                  capture: w.capture,
                  key: partKey(w, 'w'),
                  line: w.firstLine.line,
                  text: `first replayed line, cut mid-line: ${strip(w.firstLine.text) || '(empty)'}`,
                },
              ]
            : [],
          detail: [
            'What scrolled out of the ring is only in a console log kept from boot (this one, if it was recording).',
          ],
        },
      ),
    );
  }
  const suppressed = report.events.filter((e) => e.type === 'messages-suppressed');
  if (suppressed.length > 0) {
    const total = suppressed.reduce((n, e) => n + (e.detail.count ?? 0), 0);
    out.push(
      finding(
        'messages-suppressed',
        'warning',
        `Xen's printk rate limit dropped ${total} messages (${suppressed.length} times)`,
        {
          evidence: suppressed.slice(0, 5).map(eventEvidence),
          detail: ['Dropped lines are gone from the console and the ring alike.'],
        },
      ),
    );
  }
  return out;
}

/** Boot options that make the next crash harder to read. `chasing`: the report already shows trouble. */
export function adviceFindings(report: Pick<Report, 'platform'>, chasing: boolean): Finding[] {
  const p = report.platform;
  const line = p.commandLine;
  if (line === null) return [];
  const options = new Set(line.split(/\s+/).map((o) => o.replace(/=.*/, '').replace(/-/g, '_')));
  const value = (name: string): string | null =>
    line
      .split(/\s+/)
      .find((o) => o.replace(/-/g, '_').startsWith(`${name}=`))
      ?.replace(/^[^=]*=/, '') ?? null;
  const out: Finding[] = [];
  const advice = (id: string, headline: string, why: string): void =>
    void out.push(
      finding(id, 'advice', headline, {
        detail: [why],
        evidence: [{ capture: null, key: null, line: null, text: `Command line: ${line}` }],
      }),
    );
  if (!options.has('noreboot') && value('reboot') !== 'no')
    advice(
      'advice-noreboot',
      "Add `noreboot` to Xen's command line",
      'Without it Xen reboots 5 s after a panic, and the host (and its debug keys) is gone.',
    );
  const ring = p.consoleRingKiB;
  if ((ring !== null && ring <= 16) || (ring === null && !options.has('conring_size')))
    advice(
      'advice-conring',
      `Raise \`conring_size\` (the console ring is ${ring ?? 16} KiB${value('conring_size') ? `: conring_size=${value('conring_size')}` : ', the default'})`,
      'A small ring wraps after a few hundred lines: `w` and `xl dmesg` then miss the boot log and older dumps. conring_size=4M is common.',
    );
  if (chasing && !options.has('sync_console'))
    advice(
      'advice-sync-console',
      'Consider `sync_console` while chasing this crash',
      'Output is buffered: the last lines before a hang or crash may never reach the serial line. sync_console makes it synchronous (slower; not for production).',
    );
  if (!/arm|aarch/i.test(p.arch ?? '') && !options.has('watchdog') && value('watchdog') === null)
    advice(
      'advice-watchdog',
      'The NMI watchdog is off: add `watchdog`',
      "A CPU stuck with interrupts off then hangs the host silently; with the watchdog Xen panics and prints that CPU's state and call trace.",
    );
  return out;
}
