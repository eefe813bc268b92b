import { describe, expect, it } from 'vitest';
import { parseBoot } from '../../src/parse/boot.js';
import { lines } from './lines.js';

describe('boot log → platform', () => {
  it('reads a 4.21 x86 boot with a PVH dom0 (lines from a real log posted to xen-devel)', () => {
    const b = parseBoot(
      lines(`
(XEN) Xen version 4.21.1 (mockbuild@) (gcc (GCC) 15.2.1 20260123 (Red Hat 15.2.1-7)) debug=n Mon Apr  6 00:00:00 UTC 2026
(XEN) Latest ChangeSet: 
(XEN) build-id: 11ab961ff2580581f074fd57a1954e7cea23875c
(XEN) CPU Vendor: AMD, Family 25 (0x19), Model 33 (0x21), Stepping 2 (raw 00a20f12)
(XEN) Command line: placeholder dom0=pvh dom0_mem=36G com1=115200,8n1 console=com1,vga
(XEN) System RAM: 49075MB (50253492kB)
(XEN) No NUMA configuration found
(XEN) Using scheduler: SMP Credit Scheduler rev2 (credit2)
(XEN) AMD-Vi: IOMMU 0 Enabled.
(XEN) I/O virtualisation enabled
(XEN)  - Dom0 mode: Relaxed
(XEN) Interrupt remapping enabled
(XEN) Defaulting to alternative key handling; send 'A' to switch to normal mode.
(XEN) Allocated console ring of 128 KiB.
(XEN) HVM: SVM enabled
(XEN) HVM: Hardware Assisted Paging (HAP) detected
(XEN) Brought up 32 CPUs
(XEN) *** Building a PVH Dom0 ***
(XEN) Std. Loglevel: Errors, warnings and info
(XEN) Guest Loglevel: Nothing (Rate-limited: Errors and warnings)
(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)
`),
    );
    expect(b).toMatchObject({
      xenVersion: '4.21.1',
      commandLine: 'placeholder dom0=pvh dom0_mem=36G com1=115200,8n1 console=com1,vga',
      cpus: 32,
      scheduler: 'credit2',
      consoleRingKiB: 128,
      iommu: true,
      hap: true,
      dom0Mode: 'pvh',
      xenBuild: {
        by: 'mockbuild@',
        compiler: 'gcc (GCC) 15.2.1 20260123 (Red Hat 15.2.1-7)',
        buildInfo: 'debug=n',
        date: 'Mon Apr  6 00:00:00 UTC 2026',
      },
      changeset: '',
      cpuVendor: 'AMD',
      iommuVendor: 'amd-vi',
      interruptRemapping: true,
      hvm: 'SVM',
      numaNodes: 1,
      systemRamKiB: 50253492,
      dom0Memory: { option: '36G', allocPages: null, clippedPages: null },
      logLevels: {
        standard: 'Errors, warnings and info',
        guest: 'Nothing (Rate-limited: Errors and warnings)',
      },
      alternativeKeyHandling: true,
      sources: {},
    });
  });

  it('reads 4.4–4.10 forms: the older version line, LOADING DOMAIN 0 with the PV layout, VT-d', () => {
    const b = parseBoot(
      lines(`
(XEN) Xen version 4.4.1 (abuild@suse.de) (gcc (SUSE Linux) 4.8.3) debug=n Tue Jan  6 16:18:02 UTC 2015
(XEN) Command line: dom0_mem=2048M,max:2048M loglvl=all
(XEN) SRAT: PXM 0 -> APIC 00 -> Node 0
(XEN) SRAT: PXM 1 -> APIC 10 -> Node 1
(XEN) Using scheduler: SMP Credit Scheduler (credit)
(XEN) Intel VT-d iommu 0 supported page sizes: 4kB, 2MB, 1GB.
(XEN) I/O virtualisation enabled
(XEN) HVM: VMX enabled
(XEN) HVM: Hardware Assisted Paging (HAP) detected but disabled
(XEN) Brought up 16 CPUs
(XEN) *** LOADING DOMAIN 0 ***
(XEN)  Xen  kernel: 64-bit, lsb, compat32
(XEN)  Dom0 kernel: 64-bit, PAE, lsb, paddr 0x1000000 -> 0x1f2e000
(XEN) PHYSICAL MEMORY ARRANGEMENT:
(XEN)  Dom0 alloc.:   0000000828000000->000000082c000000 (516048 pages to be allocated)
(XEN) Dom0 has maximum 16 VCPUs
`),
    );
    expect(b).toMatchObject({
      xenVersion: '4.4.1',
      xenBuild: { by: 'abuild@suse.de', compiler: 'gcc (SUSE Linux) 4.8.3', buildInfo: 'debug=n' },
      cpus: 16,
      scheduler: 'credit',
      iommu: true,
      iommuVendor: 'vt-d',
      hap: false,
      hapDetail: 'detected but disabled',
      dom0Mode: 'pv',
      dom0Vcpus: 16,
      numaNodes: 2,
      dom0Memory: { option: '2048M,max:2048M', allocPages: 516048 },
    });
  });

  it('reads the 4.8–4.14 version line (two spaces before the date) and 4.9–4.10 PVH dom0', () => {
    const b = parseBoot([
      '(XEN) Xen version 4.9.0 (root@) (gcc (Debian 6.3.0-18) 6.3.0 20170516) debug=y  Wed Jun 28 12:00:00 UTC 2017',
      '(XEN) ** Building a PVH Dom0 **',
    ]);
    expect(b).toMatchObject({ xenVersion: '4.9.0', xenBuild: { buildInfo: 'debug=y' }, dom0Mode: 'pvh' });
  });

  it('notes a missing scheduler (Debian builds have credit and credit2 only) and Xen falling back', () => {
    const b = parseBoot([
      '(XEN) Could not find scheduler: rtds',
      "(XEN) Using 'SMP Credit Scheduler rev2' (credit2)",
      '(XEN) Using scheduler: SMP Credit Scheduler rev2 (credit2)',
    ]);
    expect(b).toMatchObject({ scheduler: 'credit2', schedulerNotFound: 'rtds' });
  });

  it('does not take dom0 kernel lines for Xen lines, but falls back to what is known', () => {
    const b = parseBoot(
      lines(`
[    0.000000] Command line: console=hvc0 earlyprintk=xen
[    0.993171] Xen version: 4.17.7 (preserve-AD)
`),
    );
    expect(b).toMatchObject({ commandLine: null, xenVersion: '4.17.7', sources: { xenVersion: 'dom0-log' } });
    const banner = parseBoot(['(XEN) ----[ Xen-4.17.7  x86_64  debug=n  Not tainted ]----']);
    expect(banner).toMatchObject({
      xenVersion: '4.17.7',
      arch: 'x86_64',
      sources: { xenVersion: 'register-dump' },
    });
  });

  it('does not call an Arm dom0 PV: LOADING DOMAIN 0 without the x86 PV layout', () => {
    const b = parseBoot([
      '(XEN) ----[ Xen-4.8.5  arm64  debug=n  Not tainted ]----',
      '(XEN) *** LOADING DOMAIN 0 ***',
      '(XEN) Loading kernel from boot module @ 0000000080080000',
    ]);
    expect(b.dom0Mode).toBeNull();
    expect(b.arch).toBe('arm64');
  });

  it('reads timestamped boot lines (raw and boot forms)', () => {
    const b = parseBoot([
      '(XEN) [0000000036a6ee72] Using scheduler: SMP Credit Scheduler (credit)',
      '(XEN) [    1.024153] Brought up 4 CPUs',
    ]);
    expect(b).toMatchObject({ scheduler: 'credit', cpus: 4 });
  });
});

describe('the version line of a distribution build', () => {
  it("keeps Debian's own version apart from Xen's build-by and compiler groups", () => {
    const b = parseBoot(
      lines(
        '(XEN) Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) (pkg-xen-devel@lists.alioth.debian.org) (x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0) debug=n Wed Nov  4 16:52:28 UTC 2026',
      ),
    );
    expect(b).toMatchObject({
      xenVersion: '4.17.7',
      xenBuild: {
        vendor: 'Debian 4.17.7+13-g2445b30a44-0+deb12u1',
        by: 'pkg-xen-devel@lists.alioth.debian.org',
        compiler: 'x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0',
        buildInfo: 'debug=n',
        date: 'Wed Nov  4 16:52:28 UTC 2026',
      },
    });
  });
});
