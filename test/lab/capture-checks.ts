// What every lab capture must show, whatever the transport: the switch confirmed by Xen's own
// messages, each capture belonging to its key, nothing lost against QEMU's own record of the line.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { XenLab } from './xen-lab.js';
import { parseCast } from '../../src/record/asciicast.js';
import type { CapturesDocument } from '../../src/capture/captures-file.js';

export function readOut(dir: string) {
  const captures = JSON.parse(readFileSync(path.join(dir, 'captures.json'), 'utf8')) as CapturesDocument;
  const cast = parseCast(readFileSync(path.join(dir, 'session.cast'), 'utf8'));
  const raw = readFileSync(path.join(dir, 'session.raw'));
  const markers = cast.events.filter((e) => e.code === 'm').map((e) => e.data);
  return { captures, cast, raw, markers, byKey: (k: string) => captures.captures.find((c) => c.key === k) };
}

/** h q r d on a 2-CPU lab host, checked the way a user would read them. */
export function expectHqrd(dir: string, cpus: number): void {
  const { captures, markers, byKey } = readOut(dir);
  expect(captures.captures.map((c) => c.key)).toEqual(['h', 'q', 'r', 'd']);
  for (const c of captures.captures)
    expect(c, `key ${c.key}`).toMatchObject({ endReason: 'quiet', complete: true });
  // Xen confirmed both switches, and input went back where it was found.
  expect(markers).toContain('input xen');
  expect(markers.at(-1)).toBe('input dom0');
  expect(captures.input).toMatchObject({ found: 'dom0', final: 'dom0', restored: true });
  // Each capture is its key's output and nobody else's.
  expect(byKey('h')!.text).toMatch(/'h' pressed -> showing installed handlers/);
  expect(byKey('h')!.text).toContain("key 'q' (ascii '71') => dump domain (and guest debug) info");
  expect(byKey('q')!.text).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
  expect(byKey('q')!.text).toContain('General information for domain 0:');
  expect(byKey('q')!.text).not.toContain('sched_smt_power_savings');
  expect(byKey('r')!.text).toMatch(/^\(XEN\) sched_smt_power_savings: /);
  expect(byKey('r')!.text).not.toContain("'d' pressed");
  expect(byKey('d')!.text).toMatch(/^\(XEN\) 'd' pressed -> dumping registers/);
  for (let cpu = 0; cpu < cpus; cpu++) expect(byKey('d')!.text).toContain(`*** Dumping CPU${cpu} `);
}

/** h q d (`--keys qd`): the issue's own scenario, checked like expectHqrd. */
export function expectHqd(dir: string, cpus: number): void {
  const { captures, markers, byKey } = readOut(dir);
  expect(captures.captures.map((c) => c.key)).toEqual(['h', 'q', 'd']);
  for (const c of captures.captures)
    expect(c, `key ${c.key}`).toMatchObject({ endReason: 'quiet', complete: true });
  expect(markers).toContain('input xen');
  expect(markers.at(-1)).toBe('input dom0');
  expect(captures.input).toMatchObject({ found: 'dom0', final: 'dom0', restored: true });
  expect(byKey('h')!.text).toMatch(/'h' pressed -> showing installed handlers/);
  expect(byKey('q')!.text).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
  expect(byKey('q')!.text).toContain('General information for domain 0:');
  expect(byKey('q')!.text).not.toContain("'d' pressed");
  expect(byKey('d')!.text).toMatch(/^\(XEN\) 'd' pressed -> dumping registers/);
  for (let cpu = 0; cpu < cpus; cpu++) expect(byKey('d')!.text).toContain(`*** Dumping CPU${cpu} `);
}

/**
 * The raw log is exactly what the guest sent while we were connected: a contiguous piece of QEMU's
 * log. QEMU writes its log a byte at a time, so it may trail what we received by a byte or two: wait
 * for it to grow (bytes, not a timer) until it holds the raw log, or give up and say where they differ.
 */
export async function expectLossless(dir: string, lab: Pick<XenLab, 'log' | 'waitForLog'>): Promise<void> {
  const raw = readFileSync(path.join(dir, 'session.raw'));
  expect(raw.length).toBeGreaterThan(0);
  const deadline = performance.now() + 10_000;
  for (;;) {
    const wire = lab.log();
    if (wire.indexOf(raw) >= 0) return;
    const left = deadline - performance.now();
    const grew =
      left > 0 &&
      (await lab.waitForLog(/[\s\S]/, { from: wire.length, timeoutMs: left }).then(
        () => true,
        () => false,
      ));
    if (!grew) expect.fail(divergence(raw, lab.log()));
  }
}

/** Where the raw log stops matching the wire, and how: enough to tell a lost byte from an added one. */
function divergence(raw: Buffer, wire: Buffer): string {
  // The longest prefix of the raw log found on the wire, by doubling then bisecting.
  let good = 0;
  let step = 64;
  while (good + step <= raw.length && wire.indexOf(raw.subarray(0, good + step)) >= 0) {
    good += step;
    step *= 2;
  }
  for (; step >= 1; step = Math.floor(step / 2)) {
    if (good + step <= raw.length && wire.indexOf(raw.subarray(0, good + step)) >= 0) good += step;
  }
  const at = wire.indexOf(raw.subarray(0, good)) + good;
  const show = (b: Buffer): string => JSON.stringify(b.toString('latin1'));
  return (
    `session.raw (${raw.length} bytes) is not a piece of the wire: the first ${good} bytes match, then\n` +
    `  raw : ${show(raw.subarray(good, good + 80))}\n  wire: ${show(wire.subarray(at, at + 80))}`
  );
}
