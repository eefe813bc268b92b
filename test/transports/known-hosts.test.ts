// known_hosts parsing and judging against vectors made by OpenSSH's own ssh-keygen (a hashed line
// from `ssh-keygen -H`, a fingerprint from `ssh-keygen -l`): patterns, [host]:port, markers.

import { describe, expect, it } from 'vitest';
import { decideHostKey } from '../../src/transports/ssh/host-key-policy.js';
import {
  entryMatches,
  fingerprint,
  formatKnownHostsLine,
  hashHostName,
  judgeHostKey,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/transports/ssh/known-hosts.js';
import { knownHostsName } from '../../src/transports/ssh/ssh-target.js';
import { newKeyPair, publicBlob } from './ssh-test-server.js';

// `ssh-keygen -t ed25519`, then `ssh-keygen -lf k.pub` and `ssh-keygen -H` on "[10.0.0.7]:2200 <key>".
const KEY_B64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIFl+ogzBd1FyPG76x9mTN/trv6fJYdQvr3MhxaSCOpjQ';
const KEY = Buffer.from(KEY_B64, 'base64');
const KEY_FP = 'SHA256:3fzbpfMIrcv9DUvYqRrhtaXiUaH/GfsCP9kOhKzmVGs';
const HASHED = `|1|RSM0fi2sMoXKWp9EMwKmZQXU05A=|KDEHIBLxGa04J/vQoJoF/HOlLhg= ssh-ed25519 ${KEY_B64}`;

function newKey(type: 'ed25519' | 'ecdsa' | 'rsa'): Buffer {
  return publicBlob(newKeyPair(type).public);
}

const policy = { files: ['/kh'], writeFile: '/kh', acceptNew: false };

describe('known_hosts', () => {
  it('fingerprints as ssh-keygen -l does and reads the key type from the blob', () => {
    expect(fingerprint(KEY)).toBe(KEY_FP);
    expect(keyTypeOf(KEY)).toBe('ssh-ed25519');
    expect(keyTypeOf(newKey('ecdsa'))).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(newKey('rsa'))).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.alloc(2))).toBeUndefined();
  });

  it('matches a line hashed by ssh-keygen -H, for that [host]:port only', () => {
    const [entry] = parseKnownHosts(HASHED, 'kh');
    expect(entry).toBeDefined();
    expect(entryMatches(entry!, '[10.0.0.7]:2200')).toBe(true);
    expect(entryMatches(entry!, '10.0.0.7')).toBe(false);
    expect(entryMatches(entry!, '[10.0.0.7]:22')).toBe(false);
    expect(judgeHostKey([entry!], knownHostsName('10.0.0.7', 2200), KEY).status).toBe('known');
    // Our own hashing agrees with OpenSSH's, given the same salt.
    const salt = Buffer.from('RSM0fi2sMoXKWp9EMwKmZQXU05A=', 'base64');
    expect(`${hashHostName('[10.0.0.7]:2200', salt)} ssh-ed25519 ${KEY_B64}`).toBe(HASHED);
  });

  it('names port 22 bare and other ports as [host]:port', () => {
    expect(knownHostsName('bmc', 22)).toBe('bmc');
    expect(knownHostsName('bmc', 2200)).toBe('[bmc]:2200');
    expect(formatKnownHostsLine('[bmc]:2200', KEY)).toBe(`[bmc]:2200 ssh-ed25519 ${KEY_B64}\n`);
  });

  it('handles comma lists, wildcards, negation and case, and skips junk lines', () => {
    const text = [
      '# a comment',
      '',
      `bmc1,BMC2.example.net ssh-ed25519 ${KEY_B64} a comment`,
      `*.lab,!secret.lab ssh-ed25519 ${KEY_B64}`,
      `[10.0.0.?]:2200 ssh-ed25519 ${KEY_B64}`,
      `broken ssh-ed25519 not!base64`,
      `mismatch ssh-rsa ${KEY_B64}`,
      `@unknown-marker odd ssh-ed25519 ${KEY_B64}`,
    ].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    expect(entries.map((e) => e.line)).toEqual([3, 4, 5]);
    const known = (name: string): boolean => judgeHostKey(entries, name, KEY).status === 'known';
    expect(known('bmc1')).toBe(true);
    expect(known('bmc2.example.net')).toBe(true);
    expect(known('db07.lab')).toBe(true);
    expect(known('secret.lab')).toBe(false);
    expect(known('[10.0.0.9]:2200')).toBe(true);
    expect(known('[10.0.0.9]:22')).toBe(false);
    expect(known('10.0.0.9')).toBe(false);
  });

  it('calls any other key a change once a host is known under any type; only a new host is unknown', () => {
    const ed = newKey('ed25519');
    const ecdsa = newKey('ecdsa');
    const entries = parseKnownHosts(`bmc ssh-ed25519 ${KEY_B64}\n`, 'kh');
    const changed = judgeHostKey(entries, 'bmc', ed);
    expect(changed).toMatchObject({ status: 'changed', typeChanged: false });
    expect(judgeHostKey(entries, 'bmc', ecdsa)).toEqual({
      status: 'changed',
      entries,
      typeChanged: true,
    });
    expect(knownKeyTypes(entries, 'bmc')).toEqual(['ssh-ed25519']);
    expect(judgeHostKey(entries, 'other', ed)).toEqual({ status: 'unknown' });
  });

  it('refuses @revoked keys whatever else is known, and never matches @cert-authority lines', () => {
    const text = [`@revoked * ssh-ed25519 ${KEY_B64}`, `bmc ssh-ed25519 ${KEY_B64}`].join('\n');
    expect(judgeHostKey(parseKnownHosts(text, 'kh'), 'bmc', KEY).status).toBe('revoked');
    const ca = parseKnownHosts(`@cert-authority *.lab ssh-ed25519 ${KEY_B64}`, 'kh');
    expect(ca[0]?.marker).toBe('cert-authority');
    expect(judgeHostKey(ca, 'db07.lab', KEY)).toEqual({ status: 'unknown' });
  });

  it('decides: unknown refused with the fingerprint, or stored with --accept-new; changed always refused', () => {
    const refused = decideHostKey([], '[bmc]:2200', KEY, policy);
    expect(refused.action).toBe('refuse');
    if (refused.action !== 'refuse') return;
    expect(refused.error.code).toBe('host-key');
    expect(refused.error.message).toContain(`ED25519 key ${KEY_FP}`);
    expect(refused.error.hint).toContain('--accept-new');

    expect(decideHostKey([], '[bmc]:2200', KEY, { ...policy, acceptNew: true })).toEqual({
      action: 'store',
      line: `[bmc]:2200 ssh-ed25519 ${KEY_B64}\n`,
    });

    const entries = parseKnownHosts(`[bmc]:2200 ssh-ed25519 ${KEY_B64}\n`, '/kh');
    const other = newKey('ed25519');
    const changed = decideHostKey(entries, '[bmc]:2200', other, { ...policy, acceptNew: true });
    expect(changed.action).toBe('refuse');
    if (changed.action !== 'refuse') return;
    expect(changed.error.message).toContain('HAS CHANGED');
    expect(changed.error.message).toContain(fingerprint(other));
    expect(changed.error.message).toContain(`${KEY_FP} (/kh:1)`);
    expect(changed.error.hint).toContain("ssh-keygen -R '[bmc]:2200' -f /kh");

    // Another type is no way round it: --accept-new refuses it as changed and stores nothing.
    const ecdsa = newKey('ecdsa');
    const retyped = decideHostKey(entries, '[bmc]:2200', ecdsa, { ...policy, acceptNew: true });
    expect(retyped.action).toBe('refuse');
    if (retyped.action !== 'refuse') return;
    expect(retyped.error.code).toBe('host-key');
    expect(retyped.error.message).toContain('HOST KEY TYPE FOR [bmc]:2200 HAS CHANGED');
    expect(retyped.error.message).toContain(`ECDSA key ${fingerprint(ecdsa)}`);
    expect(retyped.error.message).toContain(`ED25519 key ${KEY_FP} (/kh:1)`);
  });
});
