// Host-key checking for SSH consoles, OpenSSH's StrictHostKeyChecking=yes by default and
// =accept-new with --accept-new: unknown keys are refused (or stored), changed or revoked keys are
// always refused, each time with the SHA256 fingerprint so a person can compare it with the BMC's.
// A host known under any key type that presents another key, even of a type not recorded, has
// changed: --accept-new only ever stores the first key of a host never seen.

import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { XenkeysError } from '../../core/errors.js';
import { expandPath } from './ssh-config-file.js';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import {
  fingerprint,
  formatKnownHostsLine,
  judgeHostKey,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';

export interface HostKeyPolicy {
  /** known_hosts files to read, in order; missing ones are skipped. */
  files: string[];
  /** Where --accept-new stores a new key. */
  writeFile: string;
  acceptNew: boolean;
}

/**
 * ssh's files: ~/.ssh/known_hosts, the --known-hosts files, the system's (read only). --accept-new
 * writes to the first --known-hosts file, else to ~/.ssh/known_hosts.
 */
export function hostKeyPolicy(
  home: string,
  extra: readonly string[],
  system: string | null,
  acceptNew: boolean,
): HostKeyPolicy {
  const userFile = path.join(home, '.ssh', 'known_hosts');
  const files = extra.map((f) => expandPath(f, home));
  return {
    files: [userFile, ...files, ...(system ? [system] : [])],
    writeFile: files[0] ?? userFile,
    acceptNew,
  };
}

/** Every entry of the files that exist (a missing file is an empty one, as for ssh). */
export async function loadKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new XenkeysError('usage', `cannot read known_hosts file ${file}: ${(error as Error).message}`, {
        hint: 'Check the path and its permissions (--known-hosts FILE).',
      });
    }
    all.push(...parseKnownHosts(text, file));
  }
  return all;
}

/** What to do with a presented key: nothing (known), store a line (new, --accept-new), or refuse. */
export type HostKeyDecision =
  { action: 'accept' } | { action: 'store'; line: string } | { action: 'refuse'; error: XenkeysError };

export function decideHostKey(
  entries: readonly KnownHostEntry[],
  name: string,
  key: Buffer,
  policy: HostKeyPolicy,
): HostKeyDecision {
  const verdict = judgeHostKey(entries, name, key);
  const offered = `${displayType(keyTypeOf(key))} key ${fingerprint(key)}`;
  switch (verdict.status) {
    case 'known':
      return { action: 'accept' };
    case 'unknown':
      if (policy.acceptNew) return { action: 'store', line: formatKnownHostsLine(name, key) };
      return {
        action: 'refuse',
        error: new XenkeysError('host-key', `host key for ${name} is not known: it offered ${offered}`, {
          hint:
            `Compare that fingerprint with the one the BMC or console server shows for itself ` +
            `(on a Linux host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then run again with ` +
            `--accept-new to store it in ${policy.writeFile}.`,
        }),
      };
    case 'changed': {
      const was = verdict.entries
        .map((e) => `${displayType(e.keyType)} key ${fingerprint(e.key)} (${e.file}:${e.line})`)
        .join(', ');
      const what = verdict.typeChanged ? 'HOST KEY TYPE' : 'HOST KEY';
      return {
        action: 'refuse',
        error: new XenkeysError(
          'host-key',
          `${what} FOR ${name} HAS CHANGED: it offered ${offered}; known: ${was}`,
          {
            hint:
              (verdict.typeChanged ? 'The host no longer offers the key type recorded for it. ' : '') +
              'Someone could be intercepting the connection, or the BMC was re-keyed (firmware update, new board). ' +
              `Only if you know why: remove the old key (ssh-keygen -R '${name}' -f ${verdict.entries[0]?.file}) ` +
              'and connect again with --accept-new. --accept-new never replaces a changed key.',
          },
        ),
      };
    }
    case 'revoked':
      return {
        action: 'refuse',
        error: new XenkeysError('host-key', `host key for ${name} is REVOKED: it offered ${offered}`, {
          hint: `${verdict.entry.file}:${verdict.entry.line} marks this key @revoked; ask whoever runs the BMC for its new key.`,
        }),
      };
  }
}

/** Append a line, creating the folder (0700) and file (0600) as ssh does. */
export async function storeKnownHost(file: string, line: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // A last line without its newline would otherwise swallow ours.
  const before = await readFile(file).catch(() => Buffer.alloc(0));
  const gap = before.length > 0 && before[before.length - 1] !== 0x0a ? '\n' : '';
  await appendFile(file, gap + line, { mode: 0o600 });
}

/** "ED25519", "ECDSA", "RSA": the names ssh uses in its messages. */
export function displayType(keyType: string | undefined): string {
  if (keyType === undefined) return 'unknown';
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-')) return 'ECDSA';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  return keyType;
}

// ssh2's host key algorithms by key type; the types already known for a host go first, as ssh
// orders them, so a server with several keys shows the one we can check.
const HOST_KEY_ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** ssh2's hostVerifier for one connection: decides, stores with --accept-new, keeps why it refused. */
export class HostKeyVerifier {
  /** Set when the key was refused; the connection error is then this, not ssh2's. */
  error: XenkeysError | undefined;

  constructor(
    private readonly entries: readonly KnownHostEntry[],
    private readonly name: string,
    private readonly policy: HostKeyPolicy,
    private readonly onStored: (message: string) => void,
  ) {}

  algorithms(): ServerHostKeyAlgorithm[] {
    const known = knownKeyTypes(this.entries, this.name).flatMap((t) => HOST_KEY_ALGORITHMS[t] ?? []);
    return [...new Set([...known, ...Object.values(HOST_KEY_ALGORITHMS).flat()])];
  }

  readonly verify = (key: Buffer, verify: (ok: boolean) => void): void => {
    const decision = decideHostKey(this.entries, this.name, key, this.policy);
    if (decision.action === 'accept') return verify(true);
    if (decision.action === 'refuse') {
      this.error = decision.error;
      return verify(false);
    }
    const file = this.policy.writeFile;
    storeKnownHost(file, decision.line).then(
      () => {
        this.onStored(
          `stored ${displayType(keyTypeOf(key))} host key ${fingerprint(key)} for ${this.name} in ${file}`,
        );
        verify(true);
      },
      (error: Error) => {
        this.error = new XenkeysError(
          'host-key',
          `cannot store the host key for ${this.name}: ${error.message}`,
          {
            hint: `Check that ${file} is writable, or give another with --known-hosts FILE.`,
          },
        );
        verify(false);
      },
    );
  };
}
