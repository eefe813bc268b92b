// OpenSSH's known_hosts format, read and judged the way `ssh` does: plain and hashed (`|1|salt|hash`)
// host fields, wildcard and negated patterns, `[host]:port` names, and the @revoked /
// @cert-authority markers. Pure (text in, verdict out) so every rule is testable without a server.

import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  /** Where it came from, for messages: "~/.ssh/known_hosts:12". */
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** A `|1|salt|hash` field, or comma-separated patterns. */
  hosts: { hashed: { salt: Buffer; hash: Buffer } } | { patterns: string[] };
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entries: KnownHostEntry[]; typeChanged: boolean }
  | { status: 'unknown' };

/** Lines that are not host keys (comments, blanks, unknown markers, bad base64) are skipped, as ssh does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      if (fields[0] === '@revoked') marker = 'revoked';
      else if (fields[0] === '@cert-authority') marker = 'cert-authority';
      else return;
      fields.shift();
    }
    const [hostField, keyType, base64] = fields;
    if (!hostField || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    if (keyTypeOf(key) !== keyType) return;
    const hosts = parseHostField(hostField);
    if (!hosts) return;
    entries.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return entries;
}

function parseHostField(field: string): KnownHostEntry['hosts'] | undefined {
  if (!field.startsWith('|')) return { patterns: field.split(',').filter(Boolean) };
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
  if (!m?.[1] || !m[2]) return undefined;
  return { hashed: { salt: Buffer.from(m[1], 'base64'), hash: Buffer.from(m[2], 'base64') } };
}

/** Does the entry's host field name `name` (`host` or `[host]:port`, see knownHostsName)? */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  const lower = name.toLowerCase();
  if ('hashed' in entry.hosts) {
    const { salt, hash } = entry.hosts.hashed;
    return createHmac('sha1', salt).update(lower).digest().equals(hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, lower)) continue;
    if (negated) return false; // a negated match rules the line out, whatever else matches
    matched = true;
  }
  return matched;
}

/** OpenSSH's match_pattern: `*` any run, `?` one character; host names compare case-insensitively. */
function globMatch(pattern: string, text: string): boolean {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}

/**
 * The verdict for a key a server presented. Like ssh: a key revoked for this host (`@revoked *` for
 * all) is refused whatever else is known; a key equal to a recorded one is known; a host known under
 * *any* key type that presents another key — of a recorded type or a new one — has changed (OpenSSH
 * 9.2 with accept-new says REMOTE HOST IDENTIFICATION HAS CHANGED there too). Callers offer the
 * recorded types first, as ssh does, so a host that still has its recorded key shows that one. Only a
 * host with no recorded key is unknown.
 * @cert-authority lines vouch for certificates, which xenkeys does not use: they never match a plain key.
 */
export function judgeHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const keyType = keyTypeOf(key);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'known', entry: same };
  if (plain.length === 0) return { status: 'unknown' };
  const sameType = plain.filter((e) => e.keyType === keyType);
  return sameType.length > 0
    ? { status: 'changed', entries: sameType, typeChanged: false }
    : { status: 'changed', entries: plain, typeChanged: true };
}

/** Key types recorded for a name (plain lines only), in file order. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === undefined && entryMatches(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** The key's type, from the first string of its SSH wire encoding ("ssh-ed25519", …). */
export function keyTypeOf(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const length = key.readUInt32BE(0);
  if (length === 0 || length > 64 || key.length < 4 + length) return undefined;
  return key.subarray(4, 4 + length).toString('latin1');
}

/** `SHA256:…` exactly as `ssh` and `ssh-keygen -l` print it: base64 without the `=` padding. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** One known_hosts line for a name and key, as `ssh` writes it with HashKnownHosts off. */
export function formatKnownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key) ?? 'unknown'} ${key.toString('base64')}\n`;
}

/** `|1|salt|hash`, as `ssh` writes it with HashKnownHosts yes (tests build hashed files with it). */
export function hashHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name.toLowerCase()).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}
