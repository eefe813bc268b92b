// `capture --inband` end to end against a real shell in a real pty, with a fake `xl` whose console
// ring answers with what real Xen 4.17 printed in recordings/xen-4.17-guests (nine guests). The
// report of the in-band capture must parse the same domains as the serial capture it came from.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { DEFAULT_CAPTURE, type CaptureOptions } from '../../src/cli/commands/capture.js';
import { runInbandCapture } from '../../src/cli/inband-capture.js';
import type { Progress } from '../../src/capture/progress.js';
import { parseCast } from '../../src/record/asciicast.js';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { SpawnTransport } from '../../src/transports/spawn.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import type { Transport } from '../../src/transports/transport.js';
import { fakeDom0, type FakeDom0Options } from '../helpers/fake-dom0.js';
import { tinyScript } from '../helpers/sim-console.js';
import { runCli } from '../helpers/run-cli.js';

const GUESTS = path.join(import.meta.dirname, '../../recordings/xen-4.17-guests');
const recorded = JSON.parse(readFileSync(path.join(GUESTS, 'captures.json'), 'utf8')) as {
  captures: { key: string; text: string }[];
};
/** Each key's text as the ring holds it: the recording's lines, minus the busybox prompt before `(XEN)`. */
const KEYS = new Map(
  recorded.captures.map((c) => [c.key, c.text.replace(/^[^\n(]*(?=\(XEN\))/gm, '')] as const),
);
const BOOT = '(XEN) Xen version 4.17.7 (Debian 4.17.7+1-1)\n(XEN) Allocated console ring of 16 KiB.\n';

const warnings: string[] = [];
const silent: Progress = {
  step() {},
  succeed() {},
  fail() {},
  warn: (m) => warnings.push(m),
  info() {},
  stop() {},
};

async function inband(
  keys: string,
  dom0: Partial<FakeDom0Options> = {},
  make?: () => Transport,
  firstOutputMs = 15_000,
) {
  warnings.length = 0;
  const { command } = fakeDom0({ keys: KEYS, ring: BOOT, ...dom0 });
  const options: CaptureOptions = {
    ...DEFAULT_CAPTURE,
    keys,
    out: mkdtempSync(path.join(os.tmpdir(), 'xk-inband-')),
    timing: { quietMs: 50, firstOutputMs, capMs: 30_000 },
  };
  const result = await runInbandCapture(make ?? (() => new SpawnTransport({ command })), options, {
    progress: silent,
    stdout: new PassThrough(),
    trapSignals: false,
  });
  const file = (name: string): string => readFileSync(path.join(result.outDir, name), 'utf8');
  return { result, file };
}

function domains(report: { captures: { key: string; parsed: unknown }[] }, key: string): unknown {
  return report.captures.find((c) => c.key === key)?.parsed;
}

describe('capture --inband (real sh, fake xl with recorded Xen output)', () => {
  it('captures h, q and r through the shell, with the same parsed domains as the serial capture', async () => {
    const { result, file } = await inband('qr');
    expect(result.error).toBeNull();
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(file('captures.json'));
    expect(doc.capture).toBe('inband');
    expect(
      doc.captures.map((c: { key: string; endReason: string; complete: boolean }) => [
        c.key,
        c.endReason,
        c.complete,
      ]),
    ).toEqual([
      ['h', 'quiet', true],
      ['q', 'quiet', true],
      ['r', 'quiet', true],
    ]);
    const report = JSON.parse(file('report.json'));
    expect(report.source.capture).toBe('inband');
    expect(report.platform.consoleRingKiB).toBe(16);
    const serial = reportFromRecording(
      await readRecording(path.join(GUESTS, 'session.cast')),
      'session.cast',
    );
    for (const key of ['q', 'r']) expect(domains(report, key), key).toEqual(domains(serial, key));
    // Twelve domains (dom0, g1-g8, spin, crash, down), as the serial capture saw them.
    expect((domains(report, 'q') as { domains: unknown[] }).domains).toHaveLength(12);
  });

  it('records the shell exchange honestly: marked in-band, key markers around exactly the read-back', async () => {
    const { result, file } = await inband('q');
    const cast = parseCast(file('session.cast'));
    expect(cast.header['xenkeys_capture']).toBe('inband');
    const labels = cast.events.filter((e) => e.code === 'm').map((e) => e.data);
    expect(labels).toContain('in-band: xl debug-keys q');
    expect(labels.some((l) => l.startsWith('key q end:'))).toBe(true);
    // Re-cut from the cast, as `xenkeys report session.cast` does: the same q, same source mark.
    const again = reportFromRecording(await readRecording(path.join(result.outDir, 'session.cast')), 'x');
    const q = again.captures.find((c) => c.key === 'q');
    expect(q?.text.split('\n')[0]).toMatch(/^\(XEN\) 'q' pressed -> dumping domain info/);
    expect(q?.text).not.toMatch(/XK[a-z0-9]{12} \d/);
    const raw = readFileSync(path.join(result.outDir, 'session.raw'), 'latin1');
    expect(raw).toContain('dom0# '); // the prompts, as the shell printed them
    expect(raw).toContain('Allocated console ring of 16 KiB.'); // the ring as found, kept
  });

  it('keeps what it has when the shell goes away mid-capture (exit 7)', async () => {
    const { result, file } = await inband('qr', { dieOn: 'r' });
    expect(result.exitCode).toBe(7);
    expect(String(result.error)).toMatch(/the dom0 shell went away/);
    const doc = JSON.parse(file('captures.json'));
    expect(doc.captures.map((c: { key: string }) => c.key)).toEqual(['h', 'q']);
  });

  it('`xenkeys report session.cast` of an in-band session says it was in-band', async () => {
    const { result } = await inband('q');
    const run = await runCli(['report', path.join(result.outDir, 'session.cast'), '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.source.capture).toBe('inband');
    expect(report.captures.map((c: { key: string }) => c.key)).toEqual(['h', 'q']);
  });

  it('says when the ring wrapped and lost the start of a key, and advises conring_size', async () => {
    const { result, file } = await inband('q', { ringBytes: 4096 });
    const doc = JSON.parse(file('captures.json'));
    const q = doc.captures.find((c: { key: string }) => c.key === 'q');
    expect(q).toMatchObject({ endReason: 'ring-wrapped', complete: false });
    expect(warnings.join('\n')).toMatch(/key 'q': Xen's console ring .* wrapped .*conring_size=/);
    expect(result.exitCode).toBe(0);
  });

  it('says so when xl is missing, or the shell is not root', async () => {
    const missing = await inband('q', { noXl: true });
    expect(missing.result.exitCode).toBe(13);
    expect(String(missing.result.error)).toMatch(/xl is not installed/);
    const user = await inband('q', { uid: 1000 });
    expect(user.result.exitCode).toBe(9);
    expect(String(user.result.error)).toMatch(/uid 1000, and xl needs root/);
  });

  it('says so when the shell answers but is not a POSIX shell (the frame function never runs)', async () => {
    // Runs only `echo` lines: the harmless probe is answered, `_xk(){ … }` and the frames are not.
    const command = `sh -c 'while read -r l; do case "$l" in echo*) eval "$l";; esac; done'`;
    const { result } = await inband('q', {}, () => new SpawnTransport({ command }), 1_500);
    expect(result.exitCode).toBe(3);
    expect(String(result.error)).toMatch(/not as a POSIX shell/);
  });

  it('refuses dangerous keys before touching the host, as serial capture does', async () => {
    await expect(inband('qR')).rejects.toMatchObject({ code: 'dangerous-key' });
  });

  it('at a console whose input is at Xen, presses only harmless keys and says where input is', async () => {
    const sim = new SimulatedXenTransport({
      script: tinyScript({ initialTarget: 'xen' }),
      clock: systemClock,
    });
    const { result } = await inband('q', {}, () => sim, 1_500);
    expect(result.exitCode).toBe(3);
    expect(String((result.error as { hint?: string }).hint)).toMatch(
      /input may be at Xen: press Ctrl-A three times/,
    );
    expect(sim.simulator!.ran.filter((k) => !/^[a-z0-9]$/.test(k) || k === 'n')).toEqual([]);
  });
});
