// Exit paths on real Xen 4.17 over QEMU's TCP serial: a full disk mid-capture (a 16 KiB tmpfs), a
// cable pulled in the middle of a key (a proxy the test cuts), and a console whose only connection
// is held by another client. Each time input must end on dom0 — proven by dom0's shell answering.

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.js';
import { readOut } from './capture-checks.js';
import { expectDom0Answers } from './dom0-check.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-faults-'));

/** A TCP proxy to QEMU's serial whose cable the test can pull (the far end of the line stays up). */
async function startProxy(port: number): Promise<{ port: number; pull(): void; server: Server }> {
  const live = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    live.add(client);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      live.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    pull: () => {
      for (const s of live) s.destroy();
    },
    server,
  };
}

describe('exit paths on real Xen', () => {
  let lab: XenLab;
  let target: string;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    target = `127.0.0.1:${lab.tcpPort}`;
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) c();
    await lab?.stop();
  });

  it('a full disk mid-capture: input is returned, what was written is kept, the loss is counted, exit 16', async () => {
    const dir = tmp();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0700', 'tmpfs', dir]);
    cleanups.push(() => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const out = path.join(dir, 'out');
    const run = await runCli(['capture', '--tcp', target, '--keys', 'qrd', '-o', out]);
    expect(run.code, run.stderr).toBe(16);
    expect(run.stderr).toMatch(/no space left on device \(ENOSPC\)/);
    expect(run.stderr).toMatch(/\d+ received bytes? could not be stored/);
    expect(run.stderr).toMatch(/input is back on dom0/);
    expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    // What was written is a clean piece of the wire; no temporary file is left behind.
    const raw = readFileSync(path.join(out, 'session.raw'));
    expect(raw.length).toBeGreaterThan(1000);
    expect(lab.log().indexOf(raw)).toBeGreaterThanOrEqual(0);
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
    await expectDom0Answers(lab);
  });

  it('a cable pulled in the middle of a key: the key is marked, pressed again once, and input returned', async () => {
    const proxy = await startProxy(lab.tcpPort!);
    cleanups.push(() => proxy.server.close());
    const out = tmp();
    const run = startCli([
      'capture',
      '--tcp',
      `127.0.0.1:${proxy.port}`,
      '--keys',
      'd',
      '--progress',
      '-o',
      out,
    ]);
    await run.waitForOutput(/key d \(2\/2\)/);
    await lab.waitForLog("'d' pressed -> dumping registers", { from: lab.log().length - 200 });
    proxy.pull();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const { captures, markers } = readOut(out);
    expect(captures.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['h', 'quiet'],
      ['d', 'dropped'],
      ['d', 'quiet'],
    ]);
    expect(captures.captures[2]!.text).toMatch(/\*\*\* Dumping CPU1 /);
    expect(markers.some((m) => m.startsWith('gap: connection lost'))).toBe(true);
    expect(markers.some((m) => m.startsWith('gap: reconnected'))).toBe(true);
    expect(captures.input).toMatchObject({ final: 'dom0', restored: true });
    await expectDom0Answers(lab);
  });

  it('a console held by another client: one triple, a plain message, and `xenkeys switch` sets it straight', async () => {
    const holder = connect(lab.tcpPort!, '127.0.0.1');
    await once(holder, 'connect');
    const out = tmp();
    const run = await runCli([
      'capture',
      '--tcp',
      target,
      '--keys',
      'q',
      '--confirm-timeout',
      '2000',
      '-o',
      out,
    ]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/the console never answered/);
    expect(run.stderr).toMatch(/still be queued.*no second switch/is);
    expect(run.stderr).toMatch(/xenkeys switch --to dom0/);
    expect(run.stderr.match(/Ctrl-A three times/g) ?? []).toEqual([]);
    expect(readOut(out).captures.input.restored).toBe(false);
    // The holder leaves: the queued triple reaches Xen and flips input — exactly one switch.
    const from = lab.log().length;
    holder.destroy();
    await lab.waitForLog('*** Serial input to Xen', { from });
    const back = await runCli(['switch', '--tcp', target, '--to', 'dom0']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('input: DOM0');
    await expectDom0Answers(lab);
    expect(existsSync(path.join(out, 'captures.json'))).toBe(true);
  });
});
