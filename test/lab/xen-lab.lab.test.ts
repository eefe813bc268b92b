// The lab helper's own failure paths: each must say what to do and leave no QEMU behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startXenLab } from './xen-lab.js';

const qemuUsing = (logPath: string): string =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(logPath))
    .join('\n');

describe('startXenLab failures', () => {
  const savedCache = process.env['XENKEYS_LAB_CACHE'];
  afterEach(() => {
    if (savedCache === undefined) delete process.env['XENKEYS_LAB_CACHE'];
    else process.env['XENKEYS_LAB_CACHE'] = savedCache;
  });

  it('says to run provision.sh when the cache is empty', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'xenkeys-lab-empty-'));
    process.env['XENKEYS_LAB_CACHE'] = empty;
    try {
      await expect(startXenLab({ serial: 'tcp' })).rejects.toThrow(/not provisioned[\s\S]*provision\.sh/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('on a boot timeout, names the log, shows its tail and stops QEMU', async () => {
    const error = await startXenLab({ serial: 'tcp', bootTimeoutMs: 1_500 }).then(
      () => new Error('booted in 1.5 s?'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/did not boot[\s\S]*timed out after \d+ ms/);
    const logPath = /of (\S+serial\.log);/.exec(error.message)?.[1];
    expect(logPath).toBeDefined();
    expect(qemuUsing(logPath!)).toBe('');
  });
});
