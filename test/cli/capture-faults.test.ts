// The capture flow when the console lies or fails: a forged switch message mid-capture, a console
// that never answers, a host that is not Xen, a drop in the middle of a key, and --until on a trace
// that is still printing. On the simulated Xen (real input rules) and the fake transport.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { DEFAULT_CAPTURE, runCapture, type CaptureOptions } from '../../src/cli/commands/capture.js';
import type { CapturesDocument } from '../../src/capture/captures-file.js';
import type { Progress } from '../../src/capture/progress.js';
import { parseCast } from '../../src/record/asciicast.js';
import { FakeTransport } from '../../src/transports/fake.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import type { Transport } from '../../src/transports/transport.js';
import { tinyScript } from '../helpers/sim-console.js';

const fast = { quietMs: 50, firstOutputMs: 300, capMs: 5_000 };
const TO_DOM0 = "(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)\r\n";

function recordingProgress(): Progress & { lines: string[] } {
  const lines: string[] = [];
  const add = (kind: string) => (text: string) => lines.push(`${kind}: ${text}`);
  return {
    lines,
    step: add('step'),
    succeed: add('ok'),
    fail: add('fail'),
    warn: add('warn'),
    info: add('info'),
    stop() {},
  };
}

async function capture(transport: Transport, keys: string, extra: Partial<CaptureOptions> = {}) {
  const progress = recordingProgress();
  const result = await runCapture(
    () => transport,
    {
      ...DEFAULT_CAPTURE,
      keys,
      out: mkdtempSync(path.join(os.tmpdir(), 'xk-faults-')),
      timing: fast,
      reconnect: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
      ...extra,
    },
    { progress, stdout: new PassThrough(), trapSignals: false },
  );
  const doc = JSON.parse(readFileSync(path.join(result.outDir, 'captures.json'), 'utf8')) as CapturesDocument;
  const cast = parseCast(readFileSync(path.join(result.outDir, 'session.cast'), 'utf8'));
  const markers = cast.events.filter((e) => e.code === 'm').map((e) => e.data);
  const raw = readFileSync(path.join(result.outDir, 'session.raw'), 'latin1');
  return { result, doc, markers, raw, progress };
}

const sim = () => new SimulatedXenTransport({ script: tinyScript(), clock: systemClock });

/** Run `action` once, the first time the console prints `text`. */
function onceOutput(transport: Transport, text: string, action: () => void): void {
  const sub = transport.onData((bytes) => {
    if (!Buffer.from(bytes).toString('latin1').includes(text)) return;
    sub.dispose();
    setTimeout(action, 1);
  });
}

describe('capture against a forged switch message', () => {
  it('re-verifies, presses only the intended keys and really returns input to dom0', async () => {
    const transport = sim();
    // While `q` prints, dom0 prints Xen's "to DOM0" line and a cursor-position query.
    onceOutput(transport, 'dumping domain info', () => transport.simulator!.dom0Print(`${TO_DOM0}\x1b[6n`));
    const { result, doc, markers } = await capture(transport, 'qr');
    expect(result.exitCode).toBe(0);
    expect(transport.simulator!.ran).toEqual(['h', 'q', 'r']);
    expect(transport.simulator!.inputTarget).toBe('dom0');
    expect(doc.input).toEqual({ found: 'dom0', final: 'dom0', restored: true });
    expect(markers.some((m) => m.startsWith('unverified switch message "input to DOM0"'))).toBe(true);
  });
});

describe('capture against a console that does not answer', () => {
  it('says the console never answered, sends one triple only, and prints the command that sets it straight', async () => {
    const fake = new FakeTransport(); // another client holds it: connect works, nothing is read
    const { result, doc, progress } = await capture(fake, 'q', { confirmTimeoutMs: 100 });
    expect(result.exitCode).toBe(5);
    expect(String(result.error)).toMatch(/the console never answered \(not one byte arrived/);
    expect((result.error as { hint: string }).hint).toMatch(
      /still be queued.*no second switch.*xenkeys switch --to dom0/is,
    );
    expect(Buffer.concat(fake.writes.map((w) => Buffer.from(w)))).toEqual(Buffer.from([1, 1, 1]));
    expect(doc.input.restored).toBe(false);
    // One message, not a second piece of advice that contradicts it.
    expect(progress.lines.filter((l) => /Ctrl-A three times/.test(l))).toEqual([]);
  });

  it('names what answered when it is not Xen, without Xen advice', async () => {
    const fake = new FakeTransport();
    fake.onWrite = () => fake.emitData('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    const { result } = await capture(fake, 'q', { confirmTimeoutMs: 100 });
    expect(result.exitCode).toBe(5);
    expect(String(result.error)).toMatch(/no Xen answered the switch; this looks like an HTTP server/);
    expect((result.error as { hint: string }).hint).not.toMatch(/conswitch/);
  });
});

describe('capture across a drop in the middle of a key', () => {
  it('marks the interrupted key, presses it again once on the line that came back, and returns input', async () => {
    const transport = sim();
    onceOutput(transport, 'dumping registers', () =>
      transport['markClosed']({ kind: 'remote', message: 'cable pulled' }),
    );
    const { result, doc, markers } = await capture(transport, 'd');
    expect(doc.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['h', 'quiet'],
      ['d', 'dropped'],
      ['d', 'quiet'],
    ]);
    expect(markers.some((m) => m.startsWith('gap: connection lost: cable pulled'))).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(doc.input).toMatchObject({ final: 'dom0', restored: true });
    expect(transport.simulator!.inputTarget).toBe('dom0');
  });
});

describe('capture --until', () => {
  it('waits for the matched output to go quiet before pressing keys, so the trace is whole', async () => {
    const transport = sim();
    const options = { until: /Kernel panic/, type: 'echo go', keys: 'q' };
    // dom0 panics in pieces: the matching line first, the trace a little later.
    onceOutput(transport, 'go', () => {
      transport.simulator!.dom0Print('Kernel panic - not syncing: sysrq triggered crash\r\n');
      setTimeout(() => transport.simulator!.dom0Print('Call Trace:\r\n panic+0x10/0x20\r\n'), 30);
    });
    const { result, raw } = await capture(transport, options.keys, {
      until: options.until,
      type: options.type,
    });
    expect(result.exitCode).toBe(0);
    expect(raw.indexOf('panic+0x10/0x20')).toBeGreaterThan(0);
    expect(raw.indexOf('panic+0x10/0x20')).toBeLessThan(raw.indexOf("'q' pressed"));
  });
});

describe('capture into a folder it cannot write', () => {
  it('says so before touching the host, with exit 16 and no stack trace', async () => {
    const fake = new FakeTransport();
    const parent = mkdtempSync(path.join(os.tmpdir(), 'xk-ro-'));
    const file = path.join(parent, 'not-a-folder');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'x'));
    const error = await runCapture(
      () => fake,
      { ...DEFAULT_CAPTURE, keys: 'q', out: path.join(file, 'out') },
      {
        progress: recordingProgress(),
        stdout: new PassThrough(),
        trapSignals: false,
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'write-failed' });
    expect(String(error)).toMatch(/not a folder \(ENOTDIR\)/);
    expect(fake.isOpen).toBe(false);
    expect(readdirSync(parent)).toEqual(['not-a-folder']);
  });
});
