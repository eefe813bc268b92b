// A Xen host with guests: dom0 runs Debian's real toolstack (xl), eight small PV domUs (some with
// several vCPUs, two pinned, one paused) and one spinning on every vCPU. One boot for the file.
// `capture` over the serial line must see every domain in `q`, their vCPUs in `r`, and the
// spinning guest running in place in two `d` dumps.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomains, type QDomain } from '../../src/parse/keys/domains.js';
import { parseRunq } from '../../src/parse/keys/runq.js';
import { runCli } from '../helpers/run-cli.js';
import { expectLossless, readOut } from './capture-checks.js';
import { domainIds, labGuests } from './guest-lab.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-guests-'));
const lines = (text: string): string[] => text.split(/\r?\n/);

describe('capture on a real Xen host with guests', () => {
  let lab: XenLab;
  let ids: Map<string, number>;
  const id = (name: string): number => ids.get(name) ?? expect.fail(`no domain id for ${name}`);

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', guests: true, bootTimeoutMs: 900_000 });
    await labGuests(lab, 'eight');
    await labGuests(lab, 'spin');
    ids = await domainIds(lab);
    ids.delete('Domain-0');
  }, 2_400_000);
  afterAll(() => lab?.stop());

  it('sees every domain in q, with the paused one and the pinned vCPUs, and their vCPUs in r', async () => {
    const out = tmp();
    const run = await runCli(['capture', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--keys', 'qr', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    await expectLossless(out, lab);
    const { byKey } = readOut(out);
    const q = parseDomains(lines(byKey('q')!.text));
    expect(q.unrecognised).toEqual([]);
    const dom = (name: string): QDomain => q.domains.find((d) => d.id === id(name)) ?? expect.fail(name);
    // dom0 and nine guests, each with the vCPUs its config gave it.
    expect(q.domains.map((d) => d.id).sort((a, b) => a - b)).toEqual([
      0,
      ...[...ids.values()].sort((a, b) => a - b),
    ]);
    const vcpus = { g1: 1, g2: 2, g3: 1, g4: 4, g5: 2, g6: 1, g7: 1, g8: 2, spin: 2 };
    for (const [name, n] of Object.entries(vcpus)) expect(dom(name).vcpus, name).toHaveLength(n);
    // `xl pause g8`: only g8 is paused by the toolstack.
    expect(dom('g8').pauseCount).toBe(1);
    for (const name of ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'spin'])
      expect(dom(name).pauseCount, name).toBe(0);
    // `xl vcpu-pin g2 all 1`, `xl vcpu-pin g5 0 0` and `g5 1 1`; the rest may run anywhere.
    expect(dom('g2').vcpus.map((v) => v.hardAffinity)).toEqual([[1], [1]]);
    expect(dom('g5').vcpus.map((v) => v.hardAffinity)).toEqual([[0], [1]]);
    expect(dom('g1').vcpus[0]!.hardAffinity).toEqual([0, 1]);
    // r lists each domain's scheduling units (credit2: one per vCPU): every guest's are there.
    const r = parseRunq(lines(byKey('r')!.text));
    expect(r.unrecognised).toEqual([]);
    for (const [name, n] of Object.entries(vcpus)) {
      const units = r.domains.find((d) => d.id === id(name))?.units ?? [];
      expect(
        units.map((u) => u.vcpu),
        name,
      ).toEqual([...Array(n).keys()].map((v) => `d${id(name)}v${v}`));
    }
  });

  it('shows the spinning guest running in place in two d dumps', async () => {
    const out = tmp();
    const run = await runCli(['capture', '--tcp', `127.0.0.1:${lab.tcpPort}`, '--keys', 'dd', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const { captures } = readOut(out);
    const dumps = captures.captures.filter((c) => c.key === 'd');
    expect(dumps).toHaveLength(2);
    // Each CPU dump names the vCPU it was running; with a busy loop on both of spin's vCPUs, spin
    // holds at least one CPU in each dump.
    const spin = id('spin');
    for (const dump of dumps)
      expect(dump.text).toMatch(new RegExp(`\\*\\*\\* Dumping CPU\\d+ guest state \\(d${spin}v\\d\\)`));
  });
});
