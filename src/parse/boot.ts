// Platform facts from Xen's boot log (the report's `platform`): version and build, command line, CPUs,
// scheduler, console ring, IOMMU, HAP, NUMA, dom0 type, vCPUs and memory. Streaming: push lines, read
// `result()`. Sources per line in xen-console.md §6 (drivers/char/console.c, arch/x86/setup.c,
// common/sched/core.c, drivers/passthrough/iommu.c, arch/x86/hvm/hvm.c, arch/x86/pv/dom0_build.c, …).

import { normaliseLine, type NormLine } from './prefix.js';

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

export class BootScanner {
  private readonly info = emptyBootInfo();
  private numaSingle = false;
  private readonly numaNodes = new Set<number>();
  private loadingDomain0 = false;
  private pvLayout = false;
  private fallbackVersion: { version: string; source: FactSource } | null = null;

  push(n: NormLine): void {
    if (n.kind === 'foreign') {
      // dom0 Linux: "Xen version: 4.17.7 (preserve-AD)" (arch/x86/xen/enlighten.c), a last resort.
      const v = /\bXen version:? (\d+\.\d+\.?\d*[^\s.]*)/.exec(n.text);
      if (v && !this.fallbackVersion) this.fallbackVersion = { version: v[1] ?? '', source: 'dom0-log' };
      return;
    }
    if (n.kind !== 'xen') return;
    this.xenLine(n.text.trimEnd());
  }

  private xenLine(t: string): void {
    const i = this.info;
    let m: RegExpExecArray | null;
    if ((m = VERSION.exec(t))) {
      i.xenVersion ??= m[1] ?? null;
      i.xenBuild ??= {
        vendor: m[2] ?? null,
        by: m[3] ?? null,
        compiler: m[4] ?? null,
        buildInfo: m[5] ?? null,
        date: m[6] ?? null,
      };
    } else if ((m = /^Xen version (\d+\.\d+\S*)/.exec(t))) i.xenVersion ??= m[1] ?? null;
    else if ((m = BANNER.exec(t))) {
      if (!this.fallbackVersion || this.fallbackVersion.source !== 'register-dump')
        this.fallbackVersion = { version: m[1] ?? '', source: 'register-dump' };
      if (i.arch === null) {
        i.arch = m[2] ?? null;
        i.sources.arch = 'register-dump';
      }
    } else if ((m = /^Command line: (.*)$/.exec(t))) {
      i.commandLine ??= m[1] ?? '';
      i.dom0Memory.option ??= /(?:^|\s)dom0_mem=(\S+)/.exec(m[1] ?? '')?.[1] ?? null;
    } else if ((m = /^Latest ChangeSet: ?(.*)$/.exec(t))) i.changeset ??= m[1] ?? '';
    else if ((m = /^build-id: ([0-9a-f]+)/.exec(t))) i.buildId ??= m[1] ?? null;
    else if ((m = /^CPU Vendor: (\w+),/.exec(t))) i.cpuVendor ??= m[1] ?? null;
    else if ((m = /^Brought up (\d+) CPUs/.exec(t))) i.cpus ??= Number(m[1]);
    else if ((m = /^Using scheduler: (.*) \((\w+)\)/.exec(t))) {
      i.scheduler ??= m[2] ?? null;
      i.schedulerName ??= m[1] ?? null;
    } else if ((m = /^Could not find scheduler: (.*)$/.exec(t))) i.schedulerNotFound ??= m[1] ?? '';
    else if ((m = /^Allocated console ring of (\d+) KiB\./.exec(t))) i.consoleRingKiB ??= Number(m[1]);
    else if ((m = /^I\/O virtualisation (enabled|disabled)/.exec(t))) i.iommu ??= m[1] === 'enabled';
    else if ((m = /^Interrupt remapping (enabled|disabled)/.exec(t)))
      i.interruptRemapping ??= m[1] === 'enabled';
    else if (/^Intel VT-d iommu \d+ supported page sizes/.test(t)) i.iommuVendor ??= 'vt-d';
    else if (/^AMD-Vi: (IOMMU \d+ Enabled|IOMMU Extended Features)/.test(t)) i.iommuVendor ??= 'amd-vi';
    else if ((m = /^HVM: (VMX|SVM) enabled/.exec(t))) i.hvm ??= m[1] ?? null;
    else if (
      (m = /^HVM: Hardware Assisted Paging \(HAP\) (detected but disabled|not detected|detected)/.exec(t))
    ) {
      i.hapDetail ??= m[1] ?? null;
      i.hap ??= m[1] === 'detected';
    } else this.moreLines(t);
  }

  private moreLines(t: string): void {
    const i = this.info;
    let m: RegExpExecArray | null;
    if (/^(No NUMA configuration found|NUMA turned off)/.test(t)) this.numaSingle = true;
    else if ((m = /^(?:SRAT: .*Node|NUMA: Node) (\d+)/.exec(t))) this.numaNodes.add(Number(m[1]));
    else if ((m = /^System RAM: \d+MB \((\d+)kB\)/.exec(t))) i.systemRamKiB ??= Number(m[1]);
    else if ((m = /^\*\*\*? Building a (PVH?) Dom(\d+) \*\*\*?/.exec(t))) {
      if (m[2] === '0') i.dom0Mode ??= m[1] === 'PVH' ? 'pvh' : 'pv';
    } else if (/^\*\*\* LOADING DOMAIN 0 \*\*\*/.test(t)) this.loadingDomain0 = true;
    else if (/^(PHYSICAL MEMORY ARRANGEMENT:|\s*Dom0 kernel: \d+-bit)/.test(t)) this.pvLayout = true;
    else if ((m = /^\s*Dom0 alloc\.:.*\((\d+) pages to be allocated\)/.exec(t)))
      i.dom0Memory.allocPages ??= Number(m[1]);
    else if ((m = /^Dom0 memory clipped to (\d+) pages/.exec(t))) i.dom0Memory.clippedPages ??= Number(m[1]);
    else if ((m = /^Dom(\d+) has maximum (\d+) VCPUs/.exec(t))) {
      if (m[1] === '0') i.dom0Vcpus ??= Number(m[2]);
    } else if ((m = /^Std\. Loglevel: (.*)$/.exec(t))) i.logLevels.standard ??= m[1] ?? null;
    else if ((m = /^Guest Loglevel: (.*)$/.exec(t))) i.logLevels.guest ??= m[1] ?? null;
    else if (/^Defaulting to alternative key handling/.test(t)) i.alternativeKeyHandling ??= true;
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
  for (const line of lines) scanner.push(normaliseLine(line));
  return scanner.result();
}
