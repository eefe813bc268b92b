// How a key's output begins and (for a few) ends, for cutting plain logs into sections. Headers are
// `'%c' pressed -> …` (`'x' pressed - …`, livepatch), `gnttab_usage_print_all [ key 'g' pressed`, and
// `[%c: %s]` inside `*` (xen/common/keyhandler.c). Keys without a header are known by their fixed first
// line (xen-console.md §4.0 and §4.3–§4.24; sources cited per line below).

import { headerDescription } from './common.js';
import { FirstCharRules } from './first-char.js';
import type { NormLine } from './prefix.js';

export interface KeyStart {
  key: string;
  description: string | null;
  form: 'header' | 'first-line' | 'star-sub';
  /**
   * A line from inside the key's output that starts it only when what came before it was not
   * captured (a `d` from `*** Dumping CPU…`, an `r` from its pool lines): inside that key's own
   * output it is just the next line.
   */
  continues?: true;
}

const HEADER = /^'(.)' pressed -> ?(.*)$/;
const LIVEPATCH = /^'(.)' pressed - (.*)$/;
const GNTTAB = /^gnttab_usage_print_all \[ key '(.)' pressed/;
const STAR_SUB = /^\[(.): (.+)\]$/;

/** Fixed first lines of keys that print no header. */
const FIRST_LINES: readonly [RegExp, string][] = [
  [/^sched_smt_power_savings: /, 'r'], // common/sched/cpupool.c dump_runq
  [/^Physical memory information:$/, 'm'], // common/page_alloc.c pagealloc_info
  [/^Dumping timer queues:$/, 'a'], // common/timer.c dump_timerq
  [/^Synced stime skew: /, 't'], // common/keyhandler.c read_clocks
  [/^IRQ information:$/, 'i'], // arch/x86/irq.c dump_irqs
  [/^number of MP IRQ sources: \d+\.$/, 'z'], // arch/x86/io_apic.c __print_IO_APIC
  [/^MSI information:$/, 'M'], // arch/x86/msi.c dump_msi
  [/^==== PCI devices ====$/, 'Q'], // drivers/passthrough/pci.c dump_pci_devices
  [/^CPU\s+NMI$/, 'n'], // arch/x86/nmi.c do_nmi_stats
  [/^TSC (marked as reliable|has constant rate|not marked as either constant or reliable)/, 's'], // arch/x86/time.c
  [/^\*+ VMC[SB] Areas \*+$/, 'v'], // arch/x86/hvm/vmx/vmcs.c, svm/vmcb.c
  [/^Triggering NMI on APIC ID [0-9a-f]+$/, 'N'], // arch/x86/nmi.c do_nmi_trigger
  [/^--- Dumping (Per-dev|Shared) IOMMU Interrupt Remapping Table ---$/, 'V'], // amd/iommu_intr.c
  [/^iommu [0-9a-f]+: nr_pt_levels = [0-9a-f]+\.$/, 'V'], // passthrough/vtd/utils.c
  [/^Xen performance counters SHOW/, 'p'], // common/perfc.c
  [/^Xen lock profile info SHOW/, 'l'], // common/spinlock.c
  [/^domain\d+ EPT p2m table:$/, 'D'], // arch/x86/mm/p2m-ept.c
];

/**
 * Lines that recur inside a key's output, and so start it only when its first lines are missing: a
 * copy cut by a scroll-back, `xl dmesg` after the ring wrapped, a mail that quotes from the middle.
 */
const INNER_LINES: readonly [RegExp, string][] = [
  [/^\*\*\* Dumping CPU\d+ (?:host|guest) state/, 'd'], // common/keyhandler.c dump_registers
  [/^\*\*\* Dumping Dom\d+ vcpu#\d+ state: \*\*\*$/, '0'], // common/keyhandler.c dump_hwdom_registers
  [/^General information for domain \d+:$/, 'q'], // common/keyhandler.c dump_domains
  [/^Event channel information for domain \d+:$/, 'e'], // common/event_channel.c dump_evtchn_info
  [/^Online Cpus: |^Cpupool \d+:$|^Scheduler: .+ \(\w+\)$/, 'r'], // common/sched/cpupool.c dump_runq
];

type StartRule = 'header' | 'gnttab' | 'star-sub' | { key: string; continues?: true };

/** Every start in the order it is tried, filed by first character: one lookup turns most lines away. */
const STARTS = new FirstCharRules<StartRule>([
  [HEADER, 'header'],
  [LIVEPATCH, 'header'],
  [GNTTAB, 'gnttab'],
  [STAR_SUB, 'star-sub'],
  ...FIRST_LINES.map(([re, key]): [RegExp, StartRule] => [re, { key }]),
  ...INNER_LINES.map(([re, key]): [RegExp, StartRule] => [re, { key, continues: true }]),
]);

/** The start of a key's output on this line, if it is one. Only hypervisor lines start sections. */
export function detectStart(n: NormLine): KeyStart | null {
  if (n.kind !== 'xen') return null;
  const t = n.text;
  for (const [re, rule] of STARTS.candidates(t)) {
    const m = re.exec(t);
    if (!m) continue;
    if (rule === 'header')
      return { key: m[1] ?? '', description: headerDescription(m[2] ?? '') || null, form: 'header' };
    if (rule === 'gnttab') return { key: m[1] ?? 'g', description: null, form: 'header' };
    // `[k: desc]` with one character k; anything else is not a `*` part: try the next rule.
    if (rule === 'star-sub') {
      if ((m[1] ?? '').length === 1) return { key: m[1] ?? '', description: m[2] ?? null, form: 'star-sub' };
      continue;
    }
    const start: KeyStart = { key: rule.key, description: null, form: 'first-line' };
    if (rule.continues) start.continues = true;
    return start;
  }
  return null;
}

const SWITCH = /^\*\*\* Serial input /;

/** The `*** Serial input …` confirmation of a switch: the user moved on, so any key output has ended. */
export function isSwitchLine(n: NormLine): boolean {
  return n.kind === 'xen' && n.text.charCodeAt(0) === 0x2a && SWITCH.test(n.text);
}

/** True when this line is the last of the key's output (the few keys that print an end). */
export function isLastLine(key: string, t: string): boolean {
  switch (key) {
    case 't':
      return /^Synced cycles skew:/.test(t);
    case 'g':
      return /^gnttab_usage_print_all \] done/.test(t);
    case 'v':
      return /^\*{20,}$/.test(t);
    case 'z':
      return /^\.+ ?done\.$/.test(t);
    case 's':
      return /^No domains have emulated TSC/.test(t);
    case 'N':
      return true;
    default:
      return false;
  }
}

/** Every line `r` prints outside its indented blocks (common/sched/*.c dump_runq and the schedulers). */
const RUNQ_LINE = new RegExp(
  '^(sched_smt_power_savings: |NOW=|Online Cpus: |Idle cpupool:|Free Cpus: |Cpupool \\d+:|Cpus: ' +
    '|Scheduling granularity: |Scheduler: |CPUs? ?info:|info:|CPU\\[\\d+\\]|Runqueue \\d+:|RUNQ:' +
    '|Domain info:|[Dd]omain: \\d|active (units|vcpus):|Global |Waitqueue:|idlers: |Active queues: ' +
    '|\\[\\s*-?\\d+\\.\\d+\\s*\\]|\\s)',
);

/**
 * Whether a hypervisor line can belong to this key's output, for keys with a closed grammar; other keys
 * take every line until the next start. A line refused here ends the section.
 */
export function accepts(key: string, t: string): boolean {
  if (t.trim() === '') return true;
  switch (key) {
    case 'm':
      return /^\s{2,}\S|^LLC coloring info:/.test(t);
    case 'H':
      return /^heap\[node=|^Node \d+ has \d+ unscrubbed pages/.test(t);
    case 't':
      return /^Synced (stime|cycles) skew:/.test(t);
    case 'n':
      return /^\s*\d+\s+\d+\s*$|^(d\d+v\d+|dom0 vc?pu0): NMI/.test(t);
    case 'Q':
      return /^====|^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] - |^\s/.test(t);
    case 'a':
      return /^CPU\d+:\s*$|^\s+ex=/.test(t);
    case 'u':
      return /^(NODE\d|idx\d|CPU\d|Memory location|Domain \d|d\d+ \(total|phys_to_nid|mfn_to_nid|\s)/.test(t);
    case 'e':
      return /^(Event channel information|Polling vCPUs|\s)/.test(t);
    case 'r':
      return RUNQ_LINE.test(t);
    default:
      return true;
  }
}
