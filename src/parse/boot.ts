// Platform facts from Xen's boot log (the report's `platform`): version and build, command line, CPUs,
// scheduler, console ring, IOMMU, HAP, NUMA, dom0 type, vCPUs and memory. Streaming: push lines, read
// `result()`. Sources per line in xen-console.md §6 (drivers/char/console.c, arch/x86/setup.c,
// common/sched/core.c, drivers/passthrough/iommu.c, arch/x86/hvm/hvm.c, arch/x86/pv/dom0_build.c, …).

import { FirstCharRules } from './first-char.js';
import { detach, LineNormaliser, type NormLine } from './prefix.js';

export type FactSource = 'boot-log' | 'register-dump' | 'dom0-log' | 'run-queues';

export interface BootInfo {
  xenVersion: string | null;
  commandLine: string | null;
  cpus: number | null;
  scheduler: string | null;
  consoleRingKiB: number | null;
  iommu: boolean | null;
  hap: boolean | null;
  dom0Mode: 'pv' | 'pvh' | null;
  /** `(user@domain) (compiler) debug=… date` of the version line. */
  xenBuild: {
    /** A distribution's own version, e.g. "Debian 4.17.7+13-g2445b30a44-0+deb12u1". */
    vendor: string | null;
    by: string | null;
    compiler: string | null;
    buildInfo: string | null;
    date: string | null;
  } | null;
  changeset: string | null;
  buildId: string | null;
  arch: string | null;
  cpuVendor: string | null;
  schedulerName: string | null;
  /** `Could not find scheduler: %s` — the `sched=` that was asked for and is not built in. */
  schedulerNotFound: string | null;
  iommuVendor: 'vt-d' | 'amd-vi' | null;
  interruptRemapping: boolean | null;
  hvm: string | null;
  hapDetail: string | null;
  numaNodes: number | null;
  systemRamKiB: number | null;
  dom0Vcpus: number | null;
  dom0Memory: { option: string | null; allocPages: number | null; clippedPages: number | null };
  logLevels: { standard: string | null; guest: string | null };
  alternativeKeyHandling: boolean | null;
  /** Where each field came from when not from the boot log itself. */
  sources: Partial<Record<'xenVersion' | 'scheduler' | 'arch', FactSource>>;
}

export function emptyBootInfo(): BootInfo {
  return {
    xenVersion: null,
    commandLine: null,
    cpus: null,
    scheduler: null,
    consoleRingKiB: null,
    iommu: null,
    hap: null,
    dom0Mode: null,
    xenBuild: null,
    changeset: null,
    buildId: null,
    arch: null,
    cpuVendor: null,
    schedulerName: null,
    schedulerNotFound: null,
    iommuVendor: null,
    interruptRemapping: null,
    hvm: null,
    hapDetail: null,
    numaNodes: null,
    systemRamKiB: null,
    dom0Vcpus: null,
    dom0Memory: { option: null, allocPages: null, clippedPages: null },
    logLevels: { standard: null, guest: null },
    alternativeKeyHandling: null,
    sources: {},
  };
}

// Distributions append their own version in parentheses (Debian: `4.17.7 (Debian 4.17.7+13-…)`)
// before Xen's `(user@domain) (compiler)`: the build-by group is the one with an '@'.
const VERSION =
  /^Xen version (\d+\.\d+\S*)(?: \(([^@()]*)\))? \(([^()\s]*@[^()\s]*)\) \((.*)\) (debug=[yn](?: \w+=y)*)\s+(.*)$/;
const BANNER = /^----\[ Xen-(\d+\.\d+\S*)\s+(\S+)/;

/** A fact's groups, copied out of the line (see detach). */
type Groups = readonly (string | undefined)[];
type Fact = (s: BootScanner, m: Groups) => void;

/**
 * Boot-log facts in the order they are tried; the first pattern that matches a line decides it. Filed by
 * first character (first-char.ts), so a line costs one lookup and the few patterns it could match.
 */
const FACTS = new FirstCharRules<Fact>([
  [
    VERSION,
    ({ info: i }, m) => {
      i.xenVersion ??= m[1] ?? null;
      i.xenBuild ??= {
        vendor: m[2] ?? null,
        by: m[3] ?? null,
        compiler: m[4] ?? null,
        buildInfo: m[5] ?? null,
        date: m[6] ?? null,
      };
    },
  ],
  [/^Xen version (\d+\.\d+\S*)/, ({ info: i }, m) => void (i.xenVersion ??= m[1] ?? null)],
  [
    BANNER,
    (s, m) => {
      const i = s.info;
      if (!s.fallbackVersion || s.fallbackVersion.source !== 'register-dump')
        s.fallbackVersion = { version: m[1] ?? '', source: 'register-dump' };
      if (i.arch === null) {
        i.arch = m[2] ?? null;
        i.sources.arch = 'register-dump';
      }
    },
  ],
  [
    // An empty command line is printed as `Command line: ` (its trailing space often trimmed): seen, empty.
    /^Command line:(?: (.*))?$/,
    ({ info: i }, m) => {
      i.commandLine ??= m[1] ?? '';
      i.dom0Memory.option ??= /(?:^|\s)dom0_mem=(\S+)/.exec(m[1] ?? '')?.[1] ?? null;
    },
  ],
  [/^Latest ChangeSet: ?(.*)$/, ({ info: i }, m) => void (i.changeset ??= m[1] ?? '')],
  [/^build-id: ([0-9a-f]+)/, ({ info: i }, m) => void (i.buildId ??= m[1] ?? null)],
  [/^CPU Vendor: (\w+),/, ({ info: i }, m) => void (i.cpuVendor ??= m[1] ?? null)],
  [/^Brought up (\d+) CPUs/, ({ info: i }, m) => void (i.cpus ??= Number(m[1]))],
  [
    /^Using scheduler: (.*) \((\w+)\)/,
    ({ info: i }, m) => {
      i.scheduler ??= m[2] ?? null;
      i.schedulerName ??= m[1] ?? null;
    },
  ],
  [/^Could not find scheduler: (.*)$/, ({ info: i }, m) => void (i.schedulerNotFound ??= m[1] ?? '')],
  [/^Allocated console ring of (\d+) KiB\./, ({ info: i }, m) => void (i.consoleRingKiB ??= Number(m[1]))],
  [/^I\/O virtualisation (enabled|disabled)/, ({ info: i }, m) => void (i.iommu ??= m[1] === 'enabled')],
  [
    /^Interrupt remapping (enabled|disabled)/,
    ({ info: i }, m) => void (i.interruptRemapping ??= m[1] === 'enabled'),
  ],
  [/^Intel VT-d iommu \d+ supported page sizes/, ({ info: i }) => void (i.iommuVendor ??= 'vt-d')],
  [
    /^AMD-Vi: (IOMMU \d+ Enabled|IOMMU Extended Features)/,
    ({ info: i }) => void (i.iommuVendor ??= 'amd-vi'),
  ],
  [/^HVM: (VMX|SVM) enabled/, ({ info: i }, m) => void (i.hvm ??= m[1] ?? null)],
  [
    /^HVM: Hardware Assisted Paging (?:\(HAP\) )?(detected but disabled|not detected|detected)/, // 4.1: no (HAP)
    ({ info: i }, m) => {
      i.hapDetail ??= m[1] ?? null;
      i.hap ??= m[1] === 'detected';
    },
  ],
  [/^(No NUMA configuration found|NUMA turned off)/, (s) => void (s.numaSingle = true)],
  [/^(?:SRAT: .*Node|NUMA: Node) (\d+)/, (s, m) => void s.numaNodes.add(Number(m[1]))],
  [/^System RAM: \d+MB \((\d+)kB\)/, ({ info: i }, m) => void (i.systemRamKiB ??= Number(m[1]))],
  [
    /^\*\*\*? Building a (PVH?) Dom(\d+) \*\*\*?/,
    ({ info: i }, m) => {
      if (m[2] === '0') i.dom0Mode ??= m[1] === 'PVH' ? 'pvh' : 'pv';
    },
  ],
  [/^\*\*\* LOADING DOMAIN 0 \*\*\*/, (s) => void (s.loadingDomain0 = true)],
  [/^(PHYSICAL MEMORY ARRANGEMENT:|\s*Dom0 kernel: \d+-bit)/, (s) => void (s.pvLayout = true)],
  [
    /^\s*Dom0 alloc\.:.*\((\d+) pages to be allocated\)/,
    ({ info: i }, m) => void (i.dom0Memory.allocPages ??= Number(m[1])),
  ],
  [
    /^Dom0 memory clipped to (\d+) pages/,
    ({ info: i }, m) => void (i.dom0Memory.clippedPages ??= Number(m[1])),
  ],
  [
    /^Dom(\d+) has maximum (\d+) VCPUs/,
    ({ info: i }, m) => {
      if (m[1] === '0') i.dom0Vcpus ??= Number(m[2]);
    },
  ],
  [/^Std\. Loglevel: (.*)$/, ({ info: i }, m) => void (i.logLevels.standard ??= m[1] ?? null)],
  [/^Guest Loglevel: (.*)$/, ({ info: i }, m) => void (i.logLevels.guest ??= m[1] ?? null)],
  [/^Defaulting to alternative key handling/, ({ info: i }) => void (i.alternativeKeyHandling ??= true)],
]);

const DOM0_XEN_VERSION = /\bXen version:? (\d+\.\d+\.?\d*[^\s.]*)/;

export class BootScanner {
  /** Read by the FACTS rules only. */
  readonly info = emptyBootInfo();
  numaSingle = false;
  readonly numaNodes = new Set<number>();
  loadingDomain0 = false;
  pvLayout = false;
  fallbackVersion: { version: string; source: FactSource } | null = null;

  /** The command line was cut by a mail's soft wrap (format=flowed: the line ends in a space). */
  private wrapped = false;

  push(n: NormLine): void {
    if (this.wrapped) {
      this.wrapped = n.kind === 'foreign' && n.text.trim() !== '';
      if (this.wrapped) return this.continueCommandLine(n);
    }
    if (n.kind === 'foreign') {
      // dom0 Linux: "Xen version: 4.17.7 (preserve-AD)" (arch/x86/xen/enlighten.c), a last resort.
      if (this.fallbackVersion || !n.text.includes('Xen version')) return;
      const v = DOM0_XEN_VERSION.exec(n.text);
      if (v) this.fallbackVersion = { version: detach(v[1] ?? ''), source: 'dom0-log' };
      return;
    }
    if (n.kind !== 'xen') return;
    const t = n.text;
    // Two messages on one line (`… UTC 2013(XEN) Bootloader: …`): each is read on its own.
    const cut = t.indexOf('(XEN)');
    if (cut > 0) {
      this.push({ ...n, text: t.slice(0, cut) });
      this.push({ ...n, text: t.slice(cut + 5).trimStart() });
      return;
    }
    const rules = FACTS.candidates(t);
    if (rules.length === 0) return;
    const text = t.trimEnd();
    for (const [re, fact] of rules) {
      const m = re.exec(text);
      if (m) {
        if (this.info.commandLine === null && text.startsWith('Command line: ') && n.raw.endsWith(' '))
          this.wrapped = true;
        // Facts keep pieces of the line: copy them out of the (possibly huge) text they were cut from.
        fact(
          this,
          m.map((g) => (g === undefined ? g : detach(g))),
        );
        return;
      }
    }
  }

  private continueCommandLine(n: NormLine): void {
    const i = this.info;
    i.commandLine = detach(`${i.commandLine ?? ''} ${n.text.trim()}`.trim());
    i.dom0Memory.option ??= /(?:^|\s)dom0_mem=(\S+)/.exec(i.commandLine)?.[1] ?? null;
    this.wrapped = n.raw.endsWith(' ');
  }

  result(): BootInfo {
    const i: BootInfo = structuredClone(this.info);
    if (i.xenVersion === null && this.fallbackVersion) {
      i.xenVersion = this.fallbackVersion.version;
      i.sources.xenVersion = this.fallbackVersion.source;
    }
    if (this.numaNodes.size > 0) i.numaNodes = this.numaNodes.size;
    else if (this.numaSingle) i.numaNodes = 1;
    // 4.4–4.10 x86 print "*** LOADING DOMAIN 0 ***" for a PV dom0 (arch/x86/domain_build.c); Arm prints
    // the same words but has no PV: only the PV memory layout lines make it x86 PV.
    if (i.dom0Mode === null && this.loadingDomain0 && (this.pvLayout || i.arch === 'x86_64'))
      i.dom0Mode = 'pv';
    return i;
  }
}

export function parseBoot(lines: Iterable<string>): BootInfo {
  const scanner = new BootScanner();
  const normaliser = new LineNormaliser();
  for (const line of lines) scanner.push(normaliser.next(line));
  return scanner.result();
}
