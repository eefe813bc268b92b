// In-band capture on the real toolstack: the guest lab's dom0 (Debian's xl) with a guest, reached
// through its own shell on the serial console (`--inband --spawn 'socat - TCP:…'`) and over SSH to
// dropbear in dom0 (`--inband --ssh root@…`). On the same boot, `q` and `r` pressed with
// `xl debug-keys` and read with `xl dmesg` must parse to the same domains as the serial capture's.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDomains } from '../../src/parse/keys/domains.js';
import { parseRunq } from '../../src/parse/keys/runq.js';
import { runCli } from '../helpers/run-cli.js';
import { readOut } from './capture-checks.js';
import { labGuests } from './guest-lab.js';
import { startXenLab, type XenLab } from './xen-lab.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-lab-inband-'));
const lines = (text: string): string[] => text.split(/\r?\n/);

/** What must not change between two captures a minute apart: ids, vCPUs, pinning, pausing. */
function domainShape(text: string) {
  const q = parseDomains(lines(text));
  expect(q.unrecognised).toEqual([]);
  return q.domains
    .map((d) => ({
      id: d.id,
      paused: d.pauseCount,
      vcpus: d.vcpus.map((v) => ({ id: v.id, affinity: v.hardAffinity })),
    }))
    .sort((a, b) => a.id - b.id);
}

function runqShape(text: string) {
  const r = parseRunq(lines(text));
  expect(r.unrecognised).toEqual([]);
  return r.domains.map((d) => ({ id: d.id, units: d.units.map((u) => u.vcpu) })).sort((a, b) => a.id - b.id);
}

/** The in-band capture's own checks, and its q and r against the serial capture's. */
function expectSameAsSerial(out: string, serialOut: string): void {
  const inband = readOut(out);
  const viaSerial = readOut(serialOut);
  expect((inband.captures as unknown as { capture: string }).capture).toBe('inband');
  expect(inband.cast.header['xenkeys_capture']).toBe('inband');
  expect(inband.captures.captures.map((c) => [c.key, c.endReason])).toEqual([
    ['h', 'quiet'],
    ['q', 'quiet'],
    ['r', 'quiet'],
  ]);
  // The ring read back starts with the key's own output, exactly as on the line.
  expect(inband.byKey('q')!.text).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
  expect(inband.byKey('r')!.text).toMatch(/^\(XEN\) sched_smt_power_savings: /);
  const q = domainShape(inband.byKey('q')!.text);
  // dom0 and g1 (its id is whatever xl gave it), g1 with its two vCPUs.
  expect(q).toHaveLength(2);
  expect(q[0]!.id).toBe(0);
  expect(q[1]!.vcpus).toHaveLength(2);
  expect(q).toEqual(domainShape(viaSerial.byKey('q')!.text));
  expect(runqShape(inband.byKey('r')!.text)).toEqual(runqShape(viaSerial.byKey('r')!.text));
  // The session is honest about its medium: the shell's frames are in the raw log.
  expect(inband.raw.toString('latin1')).toMatch(/XK[a-z0-9]{12} \d+ B/);
}

describe('capture --inband through the lab dom0 (its serial prompt, and SSH)', () => {
  let lab: XenLab;
  const serialOut = tmp();

  beforeAll(async () => {
    lab = await startXenLab({ serial: 'tcp', guests: true, ssh: true, bootTimeoutMs: 900_000 });
    await labGuests(lab, 'guest g1 2 idle');
    const serial = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${lab.tcpPort}`,
      '--keys',
      'qr',
      '-o',
      serialOut,
    ]);
    expect(serial.code, serial.stderr).toBe(0);
  }, 1_800_000);
  afterAll(() => lab?.stop());

  /** `capture --inband` through `target` for q and r, compared with the serial capture of this boot. */
  async function inbandLikeSerial(target: string[]): Promise<string> {
    const out = tmp();
    const run = await runCli([
      'capture',
      '--inband',
      ...target,
      '-k',
      'qr',
      '--first-output-timeout',
      '120000',
      '-o',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expectSameAsSerial(out, serialOut);
    return out;
  }

  it('through the dom0 prompt on the serial console: the same q and r as the serial capture', async () => {
    await inbandLikeSerial(['--spawn', `socat - TCP:127.0.0.1:${lab.tcpPort}`]);
  });

  it('straight on the serial line (--tcp, no socat): the same q and r as the serial capture', async () => {
    await inbandLikeSerial(['--tcp', `127.0.0.1:${lab.tcpPort}`]);
  });

  it("over SSH to dom0's sshd as root: the same q and r as the serial capture", async () => {
    const knownHosts = path.join(tmp(), 'known_hosts');
    const ssh = ['--ssh', `root@127.0.0.1:${lab.sshPort}`, '-i', lab.sshKey!, '--known-hosts', knownHosts];
    const out = await inbandLikeSerial([...ssh, '--accept-new']);
    expect(readOut(out).captures.console.transport).toBe('ssh');
  });
});
