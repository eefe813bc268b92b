// A dom0 for hermetic in-band tests: a real /bin/sh in a real pty (SpawnTransport), with a fake `xl`
// on its PATH that keeps a console ring in a file: `xl debug-keys K` appends the output real Xen
// printed for K (from a recording), `xl dmesg [-c]` prints (and clears) it. XK_RING_BYTES makes the
// ring small enough to wrap, as Xen's conring does (oldest bytes overwritten).

import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const XL = `#!/bin/sh
ring="$XK_DIR/ring"
case "$1" in
  dmesg)
    cat "$ring"
    if [ "$2" = -c ]; then : > "$ring"; fi ;;
  debug-keys)
    if [ "$2" = "$XK_DIE_ON" ]; then kill -KILL "$PPID"; exit 1; fi
    f="$XK_DIR/keys/$(printf %s "$2" | od -An -tx1 | tr -d ' \\n')"
    if [ -f "$f" ]; then cat "$f" >> "$ring"; fi
    if [ -n "$XK_RING_BYTES" ]; then tail -c "$XK_RING_BYTES" "$ring" > "$ring.t"; mv "$ring.t" "$ring"; fi ;;
  *) echo "Usage xl [-vfNtT] <subcommand> [args]" >&2; exit 1 ;;
esac
`;

export interface FakeDom0Options {
  /** Lines each key prints (prefixes kept), as a recording holds them. */
  keys: ReadonlyMap<string, string>;
  /** The ring's content before the capture (a boot log). */
  ring?: string;
  ringBytes?: number;
  /** Leave xl out of PATH, or pretend the shell is not root. */
  noXl?: boolean;
  uid?: number;
  /** \`xl debug-keys\` of this key kills the shell (a line that drops mid-capture). */
  dieOn?: string;
}

/** The --spawn command for a fake dom0 shell, and its folder. */
export function fakeDom0(options: FakeDom0Options): { command: string; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-dom0-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(path.join(dir, 'keys'), { recursive: true });
  mkdirSync(bin);
  if (!options.noXl) {
    writeFileSync(path.join(bin, 'xl'), XL);
    chmodSync(path.join(bin, 'xl'), 0o755);
  }
  if (options.uid !== undefined) {
    writeFileSync(path.join(bin, 'id'), `#!/bin/sh\necho ${options.uid}\n`);
    chmodSync(path.join(bin, 'id'), 0o755);
  }
  for (const [key, text] of options.keys) {
    const name = Buffer.from(key, 'latin1').toString('hex');
    writeFileSync(path.join(dir, 'keys', name), text.endsWith('\n') ? text : `${text}\n`);
  }
  writeFileSync(path.join(dir, 'ring'), options.ring ?? '');
  const env = [
    `XK_DIR=${dir}`,
    ...(options.ringBytes ? [`XK_RING_BYTES=${options.ringBytes}`] : []),
    ...(options.dieOn ? [`XK_DIE_ON=${options.dieOn}`] : []),
  ];
  // Only our bin and the system's: no `xl` of the machine's own can answer.
  return { command: `env ${env.join(' ')} PATH=${bin}:/usr/bin:/bin PS1='dom0# ' sh -i`, dir };
}
