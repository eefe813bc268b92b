// The deploy examples: the systemd template unit passes `systemd-analyze verify` (run when the
// binary exists) and its ExecStart turns the instance into the right command with the password in
// the environment only; the Kubernetes indexed Job gives pod I `--shard I/N` of an inventory whose
// every shard has consoles. kubeconform/kubectl are not reachable offline: the Job is checked by
// parsing it and reading its fields.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/cli/config.js';
import { inventoryFrom, shardOfInventory } from '../../src/watch/inventory.js';
import { parseShard } from '../../src/watch/shard.js';
import { ROOT } from '../helpers/run-cli.js';

const UNIT = path.join(ROOT, 'deploy/systemd/xenkeys-watch@.service');
const JOB = path.join(ROOT, 'deploy/kubernetes/watch-indexed-job.yaml');
const tmp = mkdtempSync(path.join(tmpdir(), 'xk-deploy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('systemd template unit', () => {
  it('passes systemd-analyze verify, as the template and as instances, without a warning', () => {
    if (!hasAnalyze) return void console.warn('systemd-analyze is not installed: verify not run');
    for (const instance of ['', 'shard-0-4', 'db07']) {
      const file = path.join(tmp, `xenkeys-watch@${instance}.service`);
      copyFileSync(UNIT, file);
      const run = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect({ instance, status: run.status, stderr: run.stderr }).toEqual({
        instance,
        status: 0,
        stderr: '',
      });
    }
    const security = spawnSync('systemd-analyze', ['security', '--offline=true', UNIT], { encoding: 'utf8' });
    const exposure = Number(/Overall exposure level for .*: ([\d.]+)/.exec(security.stdout)?.[1]);
    // systemd's scale: 0 (locked down) … 10 (exposed); "OK" is below 4.
    expect(exposure).toBeLessThan(4);
  });

  it('runs `watch --shard I/N` for shard-I-N and one target for a name; the password never in argv', () => {
    const bin = path.join(tmp, 'bin');
    mkdirSync(bin, { recursive: true });
    // A stand-in xenkeys that reports its arguments and whether it got a password.
    writeFileSync(
      path.join(bin, 'xenkeys'),
      '#!/bin/sh\nprintf "%s\\n" "$@"\necho "password:${IPMI_PASSWORD:-none}"\n',
    );
    chmodSync(path.join(bin, 'xenkeys'), 0o755);
    const creds = path.join(tmp, 'creds');
    mkdirSync(creds, { recursive: true });
    writeFileSync(path.join(creds, 'ipmi-password'), 's3cret');
    const run = (instance: string, withCredential: boolean): string[] => {
      const argv = execStart(readFileSync(UNIT, 'utf8'), instance);
      const env = {
        PATH: `${bin}:/usr/bin:/bin`,
        XENKEYS_INVENTORY: '/etc/xenkeys/inventory.yaml',
        XENKEYS_OUT: '/var/lib/xenkeys-watch',
        ...(withCredential ? { CREDENTIALS_DIRECTORY: creds } : {}),
      };
      const child = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return child.stdout.trim().split('\n');
    };
    const shard = run('shard-2-4', true);
    expect(shard).toEqual([
      'watch',
      '--inventory',
      '/etc/xenkeys/inventory.yaml',
      '--shard',
      '2/4',
      '--out',
      '/var/lib/xenkeys-watch',
      'password:s3cret',
    ]);
    expect(parseShard(shard[4]!)).toEqual({ index: 2, count: 4 });
    expect(run('db07', false)).toEqual([
      'watch',
      '--config',
      '/etc/xenkeys/inventory.yaml',
      '--out',
      '/var/lib/xenkeys-watch',
      'db07',
      'password:none',
    ]);
    // An instance name is one argument, never shell text.
    expect(run('a;touch x', false).at(-2)).toBe('a;touch x');
  });
});

describe('Kubernetes indexed Job', () => {
  const docs = parseAllDocuments(readFileSync(JOB, 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  });
  const job = docs.find((d) => d['kind'] === 'Job')!;
  const configMap = docs.find((d) => d['kind'] === 'ConfigMap')!;
  const container = job['spec'].template.spec.containers[0];
  const env = new Map<string, Record<string, unknown>>(
    container.env.map((e: { name: string }) => [e.name, e]),
  );

  it('is an indexed Job whose pod I runs shard I of N, N being completions and parallelism', () => {
    expect(job['apiVersion']).toBe('batch/v1');
    expect(job['spec'].completionMode).toBe('Indexed');
    const count = Number(env.get('SHARD_COUNT')!['value']);
    expect(job['spec'].completions).toBe(count);
    expect(job['spec'].parallelism).toBe(count);
    expect(env.get('JOB_COMPLETION_INDEX')!['valueFrom']).toEqual({
      fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
    });
    const args: string[] = container.args;
    const shardArg = args[args.indexOf('--shard') + 1]!;
    expect(shardArg).toBe('$(JOB_COMPLETION_INDEX)/$(SHARD_COUNT)');
    for (let i = 0; i < count; i++) {
      const expanded = shardArg
        .replace('$(JOB_COMPLETION_INDEX)', String(i))
        .replace('$(SHARD_COUNT)', String(count));
      expect(parseShard(expanded)).toEqual({ index: i, count });
    }
  });

  it('mounts an inventory in which every shard has consoles', () => {
    const args: string[] = container.args;
    const file = args[args.indexOf('--inventory') + 1]!;
    const mount = container.volumeMounts.find((m: { mountPath: string }) =>
      file.startsWith(`${m.mountPath}/`),
    );
    const volume = job['spec'].template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.configMap.name).toBe(configMap['metadata'].name);
    const text = configMap['data'][path.basename(file)];
    const inventory = inventoryFrom(parseConfig(text, file), file);
    const count = job['spec'].completions as number;
    const sizes = Array.from(
      { length: count },
      (_, index) => shardOfInventory(inventory, { index, count }).targets.length,
    );
    expect(sizes.reduce((a, b) => a + b)).toBe(inventory.targets.length);
  });

  it('keeps the password out of argv and runs locked down', () => {
    expect(JSON.stringify(container.args)).not.toMatch(/password/i);
    expect(env.get('IPMI_PASSWORD')!['valueFrom']).toEqual({
      secretKeyRef: { name: 'xenkeys-ipmi', key: 'password' },
    });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(job['spec'].template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(env.get('XDG_RUNTIME_DIR')!['value']).toBe('/run/xenkeys');
  });
});

/** ExecStart= as systemd would run it for `instance`: continuations, quotes, specifiers, $$. */
function execStart(unit: string, instance: string): string[] {
  const joined = unit.replace(/\\\n/g, ' ');
  const line = joined
    .split('\n')
    .find((l) => l.startsWith('ExecStart='))!
    .slice('ExecStart='.length);
  const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  return words.map((w) =>
    w
      .replace(/%(.)/g, (_, c: string) => ({ i: instance, t: '/run', S: '/var/lib', '%': '%' })[c] ?? `%${c}`)
      .replace(/\$\$/g, '$'),
  );
}
