// The capture flow end to end on the simulated Xen (real console rules, recorded output): files,
// captures.json, exit codes, refusals, and input returned after a lost line and a reconnect.

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { isXenkeysError, XenkeysError } from '../../src/core/errors.js';
import { DEFAULT_CAPTURE, runCapture, type CaptureOptions } from '../../src/cli/commands/capture.js';
import type { CapturesDocument } from '../../src/capture/captures-file.js';
import type { Progress } from '../../src/capture/progress.js';
import { parseCast } from '../../src/record/asciicast.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import { tinyScript } from '../helpers/sim-console.js';

const silent: Progress = { step() {}, succeed() {}, fail() {}, warn() {}, info() {}, stop() {} };
const fast = { quietMs: 50, firstOutputMs: 300, capMs: 5_000 };

function options(keys: string, extra: Partial<CaptureOptions> = {}): CaptureOptions {
  return {
    ...DEFAULT_CAPTURE,
    keys,
    out: mkdtempSync(path.join(os.tmpdir(), 'xk-cap-')),
    timing: fast,
    reconnect: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
    ...extra,
  };
}

function sim() {
  return new SimulatedXenTransport({ script: tinyScript(), clock: systemClock });
}

async function capture(keys: string, extra: Partial<CaptureOptions> = {}, transport = sim()) {
  const result = await runCapture(() => transport, options(keys, extra), {
    progress: silent,
    stdout: new PassThrough(),
    trapSignals: false,
  });
  const doc = JSON.parse(readFileSync(path.join(result.outDir, 'captures.json'), 'utf8')) as CapturesDocument;
  const cast = parseCast(readFileSync(path.join(result.outDir, 'session.cast'), 'utf8'));
  const raw = readFileSync(path.join(result.outDir, 'session.raw'));
  return { result, doc, cast, raw, transport };
}

describe('xenkeys capture (on the simulated Xen)', () => {
  it('learns the keys with h, captures each key, and writes cast, raw log and captures.json', async () => {
    const { result, doc, cast, raw, transport } = await capture('qrd');
    expect(result.exitCode).toBe(0);
    expect(doc.captures.map((c) => [c.key, c.endReason, c.complete])).toEqual([
      ['h', 'quiet', true],
      ['q', 'quiet', true],
      ['r', 'quiet', true],
      ['d', 'quiet', true],
    ]);
    expect(doc.captures[1]).toMatchObject({ description: 'dump domain (and guest debug) info', lines: 2 });
    expect(doc.input).toEqual({ found: 'dom0', final: 'dom0', restored: true });
    expect(transport.simulator!.inputTarget).toBe('dom0');
    // The raw log is every byte received; each capture's byte range points into it.
    const q = doc.captures[1]!;
    expect(raw.subarray(q.rawStart, q.rawEnd).toString()).toContain("'q' pressed -> dumping domain info");
    // Keystrokes are not recorded by default; markers are.
    expect(cast.header).toMatchObject({ version: 2, title: 'xenkeys capture: simulated Xen console' });
    expect(cast.events.some((e) => e.code === 'i')).toBe(false);
    expect(cast.events.filter((e) => e.code === 'm').map((e) => e.data)).toContain(
      'key q: dump domain (and guest debug) info',
    );
  });

  it('records keystrokes only when asked', async () => {
    const { cast } = await capture('q', { recordInput: true });
    expect(cast.events.filter((e) => e.code === 'i').map((e) => e.data)).toEqual([
      '\x01\x01\x01',
      'h',
      'q',
      '\x01\x01\x01',
    ]);
  });

  it("skips a key missing from the host's own h list, with a warning, instead of waiting on it", async () => {
    const { result, doc, transport } = await capture('zq');
    expect(result.exitCode).toBe(0);
    expect(doc.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['h', 'quiet'],
      ['q', 'quiet'],
    ]);
    expect(doc.warnings).toContain("skipped key(s) 'z': not in this host's 'h' list");
    expect(transport.simulator!.ran).toEqual(['h', 'q']);
  });

  it('exits 6 when a key prints nothing (no h list to check it against), keeping the other captures', async () => {
    const { result, doc } = await capture('zq', { discover: false });
    expect(result.exitCode).toBe(6);
    expect(doc.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['z', 'no-output'],
      ['q', 'quiet'],
    ]);
  });

  it('refuses a key no Xen version has before connecting (a usage error)', async () => {
    let opened = false;
    const transport = sim();
    const open = transport.open.bind(transport);
    transport.open = () => ((opened = true), open());
    await expect(capture('qj', {}, transport)).rejects.toMatchObject({
      code: 'usage',
      message: "no Xen version has a debug key 'j'",
    });
    expect(opened).toBe(false);
  });

  it("refuses 'R', 'n' and 'N' before touching the console: no host list can clear their danger", async () => {
    await expect(capture('qR')).rejects.toSatisfy((e) => isXenkeysError(e, 'dangerous-key'));
    await expect(capture('qn')).rejects.toSatisfy((e) => isXenkeysError(e, 'dangerous-key'));
    await expect(capture('N')).rejects.toSatisfy((e) => isXenkeysError(e, 'dangerous-key'));
  });

  it('re-learns where input goes after the line drops, and still returns it to dom0', async () => {
    const transport = sim();
    // Drop the line once, right after the host's key list has been read.
    const sub = transport.onData((bytes) => {
      if (Buffer.from(bytes).toString().includes("key 'r'")) {
        sub.dispose();
        setTimeout(() => transport['markClosed']({ kind: 'remote', message: 'cable pulled' }), 5);
      }
    });
    const { result, doc, cast } = await capture('qr', {}, transport);
    const markers = cast.events.filter((e) => e.code === 'm').map((e) => e.data);
    expect(markers.some((m) => m.startsWith('gap: connection lost: cable pulled'))).toBe(true);
    expect(markers.some((m) => m.startsWith('gap: reconnected'))).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(doc.input).toMatchObject({ final: 'dom0', restored: true });
    expect(transport.simulator!.inputTarget).toBe('dom0');
  });

  it('waits for a line, types at dom0, and records until another line', async () => {
    const transport = sim();
    // The host announces itself once the session is open (the simulator says hello on open).
    transport.onNotice(() =>
      setImmediate(() => transport['dataEmitter'].fire(Buffer.from('xenkeys-lab: dom0 ready\r\n'))),
    );
    const { result, raw, doc, cast } = await capture(
      'none',
      { waitFor: /ready/, type: 'echo $((6*7))ok', until: /42ok/ },
      transport,
    );
    expect(result.exitCode).toBe(0);
    expect(raw.toString()).toMatch(/^xenkeys-lab: dom0 ready\r\n/);
    expect(raw.toString()).toContain('42ok');
    expect(doc.captures).toEqual([]);
    // Nothing was sent before the host said it was ready.
    const ready = cast.events.find((e) => e.code === 'o')!;
    const firstSwitch = cast.events.find((e) => e.code === 'm' && e.data.startsWith('switch'))!;
    expect(firstSwitch.time).toBeGreaterThanOrEqual(ready.time);
  });
});

describe('xenkeys capture when the line is gone for good', () => {
  it('exits with the cause (a BMC that stopped answering: 12), keeping what it captured', async () => {
    const transport = sim();
    let drops = 0;
    const sub = transport.onData((bytes) => {
      if (!Buffer.from(bytes).toString().includes("key 'r'")) return;
      sub.dispose();
      setTimeout(() => {
        drops++;
        transport['markClosed']({
          kind: 'error',
          code: 'bmc-unresponsive',
          message: 'the BMC is not answering',
        });
        // …and it does not come back.
        transport.open = () =>
          Promise.reject(new XenkeysError('bmc-unresponsive', 'the BMC is not answering'));
      }, 5);
    });
    const { result, doc } = await capture(
      'qr',
      { reconnect: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 } },
      transport,
    );
    expect(drops).toBe(1);
    expect(result.exitCode).toBe(12);
    expect(doc.captures[0]).toMatchObject({ key: 'h' });
    expect(doc.input.restored).toBe(false);
  });
});
