// `xenkeys capture` over QEMU's TCP serial on real Xen 4.17: keys captured per key and losslessly,
// input back on dom0 after success, after Ctrl-C, and after a kill -9 once `xenkeys switch` ran.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCast } from '../../src/record/asciicast.js';
import { runCli, startCli } from '../helpers/run-cli.js';
import { expectHqrd, expectLossless, readOut } from './capture-checks.js';
import { expectDom0Answers } from './dom0-check.js';
import { startXenLab, type XenLab } from './xen-lab.js';
import { readFileSync } from 'node:fs';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-tcp-'));

describe('capture over TCP on real Xen', () => {
  let lab: XenLab;
  let console: string;

  // A capture whose keys take seconds each (a long quiet gap), with progress lines to wait on.
  const slowCapture = (out: string) =>
    startCli(['capture', '--tcp', console, '--keys', 'qrd', '--quiet-gap', '3000', '--progress', '-o', out]);

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp' });
    console = `127.0.0.1:${lab.tcpPort}`;
  });
  afterAll(() => lab?.stop());

  it('captures h q r d, each to its own key, and leaves input on dom0', async () => {
    const out = tmp();
    const run = await runCli(['capture', '--tcp', console, '--keys', 'qrd', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expectHqrd(out, 2);
    await expectLossless(out, lab);
    await expectDom0Answers(lab);
  });

  it('returns input to dom0 when interrupted with Ctrl-C in the middle of a capture', async () => {
    const out = tmp();
    const run = slowCapture(out);
    await run.waitForOutput(/key q \(2\/4\)/);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/SIGINT: stopping, returning input/);
    const { captures, markers } = readOut(out);
    expect(captures.outcome.interrupted).toBe('SIGINT');
    expect(captures.input).toMatchObject({ final: 'dom0', restored: true });
    expect(captures.captures.at(-1)).toMatchObject({ key: 'q', endReason: 'interrupted' });
    expect(markers.at(-1)).toBe('input dom0');
    await expectDom0Answers(lab);
  });

  it('leaves readable files after kill -9, and `xenkeys switch` gives dom0 its input back', async () => {
    const out = tmp();
    const run = slowCapture(out);
    await run.waitForOutput(/key r \(3\/4\)/);
    run.child.kill('SIGKILL');
    await run.done;
    // The cast parses up to the last event, the raw log is a clean piece of the wire.
    const cast = parseCast(readFileSync(path.join(out, 'session.cast'), 'utf8'));
    expect(cast.events.filter((e) => e.code === 'm').map((e) => e.data)).toContain('key r: dump run queues');
    expect(cast.events.some((e) => e.code === 'o' && e.data.includes("'q' pressed"))).toBe(true);
    await expectLossless(out, lab);
    // Nobody returned input: it is still at Xen. The recovery command puts it back.
    const back = await runCli(['switch', '--tcp', console, '--to', 'dom0']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('input: DOM0');
    await expectDom0Answers(lab);
  });

  it('refuses a dangerous key before touching the console', async () => {
    const from = lab.log().length;
    const run = await runCli(['capture', '--tcp', console, '--keys', 'qR', '-o', tmp()]);
    expect(run.code).toBe(8);
    expect(run.stderr).toContain("refusing destructive key 'R'");
    // No switch was sent and no key pressed (dom0's prompt from the previous test may still arrive).
    const after = lab.log().subarray(from).toString('latin1');
    expect(after).not.toContain('*** Serial input');
    expect(after).not.toContain('pressed ->');
  });
});
