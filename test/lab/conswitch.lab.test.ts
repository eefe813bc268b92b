// Xen booted with conswitch=x: the switch is Ctrl-X three times. With --conswitch x capture works;
// with the default Ctrl-A, Xen never confirms, and xenkeys sends no second triple.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { readOut } from './capture-checks.js';
import { expectDom0Answers } from './dom0-check.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-cs-'));

describe('conswitch=x on real Xen', () => {
  let lab: XenLab;

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', xenArgs: ['conswitch=x'] });
  });
  afterAll(() => lab?.stop());

  it('switches with Ctrl-X when told the letter', async () => {
    const out = tmp();
    const run = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${lab.tcpPort}`,
      '--conswitch',
      'x',
      '--keys',
      'q',
      '-o',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { captures, raw } = readOut(out);
    expect(raw.toString('latin1')).toContain(
      "*** Serial input to Xen (type 'CTRL-x' three times to switch input)",
    );
    expect(captures.captures.map((c) => c.key)).toEqual(['h', 'q']);
    expect(captures.input).toMatchObject({ found: 'dom0', final: 'dom0', restored: true });
    await expectDom0Answers(lab);
  });

  it('with the wrong letter, reports an unconfirmed switch after one triple and touches nothing else', async () => {
    const out = tmp();
    const from = lab.log().length;
    const run = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${lab.tcpPort}`,
      '--confirm-timeout',
      '2000',
      '--keys',
      'q',
      '-o',
      out,
    ]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/did not confirm the input switch/);
    expect(run.stderr).toMatch(/conswitch/);
    // The three Ctrl-As reached dom0's shell as characters; no key reached Xen.
    expect(lab.log().subarray(from).toString('latin1')).not.toContain('pressed ->');
    expect(readOut(out).captures.captures).toEqual([]);
    await expectDom0Answers(lab);
  });
});
