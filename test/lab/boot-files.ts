// What the lab boots, as provision.sh --offline reports it: the cached Xen, dom0 kernel and initramfs,
// QEMU, the xen-syms of Debian's build, and (when built with --debug-xen) a Xen with line tables.
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const provisionScript = join(dirname(fileURLToPath(import.meta.url)), 'provision.sh');
const cacheDir = (): string => process.env['XENKEYS_LAB_CACHE'] ?? join(homedir(), '.cache', 'xenkeys-lab');

/** Xen built from Debian's source with debug info (provision.sh --debug-xen), its own build id. */
export interface DebugXen {
  /** The multiboot ELF QEMU boots. */
  xen: string;
  /** Its xen-syms, with DWARF line tables. */
  xenSyms: string;
  /** Debian's .orig tarball it was built from: the tree its source paths are in. */
  source: string;
}

export interface BootFiles {
  xen: string;
  kernel: string;
  initrd: string;
  qemu: string;
  /** The hypervisor's xen-syms, from the -dbg package of the same build. */
  xenSyms: string;
  /** The key dom0's dropbear accepts for root (guest lab, when provisioned with dropbear). */
  sshKey?: string;
  debugXen?: DebugXen;
}

/**
 * Runs provision.sh --offline: checks the cache, rebuilds a stale initramfs, never installs. With
 * `guests`, dom0's initramfs is the toolstack one.
 */
export function bootFiles(guests: boolean): Promise<BootFiles> {
  return new Promise((resolve, reject) => {
    const flags = guests ? ['--offline', '--guests'] : ['--offline'];
    execFile('bash', [provisionScript, ...flags], (error, stdout, stderr) => {
      const vars = new Map(
        stdout
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      const get = (key: string): string | undefined => vars.get(`XENKEYS_LAB_${key}`);
      const [xen, kernel, initrd, qemu, xenSyms] = [
        'XEN',
        'KERNEL',
        guests ? 'GUEST_INITRD' : 'INITRD',
        'QEMU',
        'XEN_SYMS',
      ].map(get);
      if (error || !xen || !kernel || !initrd || !qemu || !xenSyms) {
        const why = stderr.trim() || error?.message || 'provision.sh printed no paths';
        reject(
          new Error(
            `The Xen lab is not provisioned: ${why}\n` +
              `Run test/lab/provision.sh (root on a fresh machine: it installs QEMU and friends, then ` +
              `downloads ~75 MB of Debian packages into ${cacheDir()}).`,
          ),
        );
        return;
      }
      const sshKey = get('SSH_KEY');
      const [dXen, dSyms, dSource] = ['DEBUG_XEN', 'DEBUG_XEN_SYMS', 'DEBUG_XEN_SOURCE'].map(get);
      const debugXen = dXen && dSyms && dSource ? { xen: dXen, xenSyms: dSyms, source: dSource } : undefined;
      resolve({
        xen,
        kernel,
        initrd,
        qemu,
        xenSyms,
        ...(sshKey ? { sshKey } : {}),
        ...(debugXen ? { debugXen } : {}),
      });
    });
  });
}

/** The lab Xen's xen-syms (provisioned from the -dbg package): symbols for its call traces. */
export async function labXenSyms(): Promise<string> {
  return (await bootFiles(false)).xenSyms;
}

/** The Xen with line tables, or an error saying how to build it. */
export async function labDebugXen(): Promise<DebugXen> {
  const { debugXen } = await bootFiles(false);
  if (!debugXen)
    throw new Error(
      'The lab has no Xen with debug info: run test/lab/provision.sh --debug-xen (builds Xen 4.17 ' +
        `from Debian's source package into ${cacheDir()}: a few minutes, once).`,
    );
  return debugXen;
}
