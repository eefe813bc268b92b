// --dom0-map System.map|vmlinux: dom0's kernel symbols, to name its guest frames in `0` and `d` dumps.
// A System.map (or /proc/kallsyms saved from dom0) is read as text; a vmlinux through ONE `nm -n`,
// whose lines are the same. A stripped vmlinux (distribution kernels ship them so) is refused with
// where the symbols are instead.

import { lstat, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';
import { withDom0Frames } from '../report/findings/dom0-frames.js';
import type { FindingsDigest } from '../report/findings/digest.js';
import { parseSystemMap, type KernelMap } from '../report/findings/kernel-map.js';
import type { Report } from '../report/model.js';
import { run } from './xen-syms.js';

export interface Dom0Map {
  file: string;
  map: KernelMap;
  kind: 'system-map' | 'vmlinux';
}

/** Names dom0's frames in report.findings (from the digest they were made from); sets report.dom0Symbols. */
export function nameDom0Frames(report: Report, digest: FindingsDigest | null, loaded: Dom0Map): void {
  if (!digest) return;
  const done = withDom0Frames(report.findings, digest, loaded.map, {
    file: path.basename(loaded.file),
    kind: loaded.kind,
  });
  report.findings = done.findings;
  report.dom0Symbols = done.symbols;
}

/** Read before the input, so a map that cannot be used is refused before any output. */
export async function loadDom0Map(file: string): Promise<Dom0Map> {
  const st = await lstat(file).catch(() => null);
  if (!st) throw new XenkeysError('bad-input', `cannot read ${file}: no such file`);
  if (!st.isFile())
    throw new XenkeysError('bad-input', `${file} is not a plain file (symlinks are not followed)`);
  const elf = await isElf(file);
  const text = elf
    ? await run('nm', ['-n', '--defined-only', '--', file], null, true).catch(nmFailed)
    : await readFile(file, 'latin1');
  const map = parseSystemMap(text);
  if (map.addresses.length === 0)
    throw new XenkeysError(
      'bad-input',
      elf
        ? `${file} has no symbols (a stripped vmlinux)`
        : `${file} is not a System.map: no text symbols in it`,
      {
        hint: 'Give the System.map of the dom0 kernel that ran (Debian: linux-image-…-dbg; or /proc/kallsyms saved on dom0 as root), or its unstripped vmlinux.',
      },
    );
  return { file, map, kind: elf ? 'vmlinux' : 'system-map' };
}

async function isElf(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.toString('latin1') === '\x7fELF';
  } finally {
    await handle.close();
  }
}

/** nm says "no symbols" on stderr and still exits 0 for some builds, 1 for others: both are "none". */
function nmFailed(error: unknown): string {
  if (error instanceof XenkeysError && /no symbols/.test(error.message)) return '';
  throw error;
}
