// GrowingLog without QEMU: a file appended to by this test stands in for the chardev logfile.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GrowingLog } from './growing-log.js';

describe('GrowingLog', () => {
  let dir: string;
  let path: string;
  let log: GrowingLog;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'xenkeys-growing-log-'));
    path = join(dir, 'serial.log');
    writeFileSync(path, '');
    log = new GrowingLog(path);
  });

  afterEach(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves when bytes written after the call match, a byte at a time as QEMU writes', async () => {
    const waiting = log.waitFor(/dom0 (\w+)/, { timeoutMs: 10_000 });
    for (const byte of 'xenkeys-lab: dom0 ready\r\n') appendFileSync(path, byte);
    await expect(waiting).resolves.toEqual({ start: 13, end: 23, text: 'dom0 ready' });
  });

  it('counts offsets in bytes and searches from the given one', async () => {
    appendFileSync(path, 'é / # first\r\n/ # second');
    const first = await log.waitFor('/ # ');
    expect(first.start).toBe(3); // 'é' is two bytes
    const second = await log.waitFor('/ # ', { from: first.end });
    expect(second.start).toBe(14);
    expect(await log.waitFor('é')).toMatchObject({ start: 0, end: 2 });
  });

  it('settles on what the file holds when the writer ends, and rejects later waits at once', async () => {
    const missing = log.waitFor('never', { timeoutMs: 10_000 });
    const present = log.waitFor('last words', { timeoutMs: 10_000 });
    appendFileSync(path, 'last words');
    log.end('QEMU exited (code 1)');
    await expect(present).resolves.toMatchObject({ start: 0 });
    await expect(missing).rejects.toThrow(/^QEMU exited \(code 1\) waiting for "never".*"last words"/);
    await expect(log.waitFor('never')).rejects.toThrow(/QEMU exited/);
  });

  it('times out naming the file and its tail', async () => {
    appendFileSync(path, '(XEN) *** Building a PV Dom0 ***\r\n');
    await expect(log.waitFor('/ # ', { timeoutMs: 50 })).rejects.toThrow(
      /timed out after 50 ms waiting for "\/ # " from byte 0 of .*serial\.log; it ends with .*Building a PV Dom0/,
    );
  });
});
