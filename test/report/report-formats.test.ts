// The human formats at the command line: `report --format md|html` (and -o's extension choosing the
// format), `diff` on report.json files, recordings and logs, and `capture` leaving report.md beside
// report.json.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE, runCapture } from '../../src/cli/commands/capture.js';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runReport } from '../../src/cli/commands/report.js';
import { main } from '../../src/cli/main.js';
import type { Progress } from '../../src/capture/progress.js';
import { systemClock } from '../../src/core/clock.js';
import { isXenkeysError } from '../../src/core/errors.js';
import { rendererNames } from '../../src/report/renderers.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import { tinyScript } from '../helpers/sim-console.js';

const REC = path.resolve(import.meta.dirname, '../../recordings');
const CREDIT = path.join(REC, 'xen-4.17-credit-sched');
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-formats-'));

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('xenkeys report --format', () => {
  it('offers md and html from the renderer registry', () => {
    expect(rendererNames()).toEqual(expect.arrayContaining(['json', 'md', 'html']));
  });

  it('renders Markdown and HTML of a recording', async () => {
    const md = sink();
    await runReport([path.join(CREDIT, 'session.cast')], { format: 'md' }, { stdout: md.out });
    // Titled with the console it recorded (the cast's title), and when it started (its timestamp).
    expect(md.text()).toMatch(
      /^# Xen console report: tcp 127\.0\.0\.1:\d+\n\nStarted 20\d\d-\d\d-\d\dT[\d:]+Z\n/,
    );
    expect(md.text()).toMatch(/\| Source \| recording session\.cast;/);
    expect(md.text()).toContain('## Between dumps');
    const out = path.join(tmp(), 'r.html');
    expect(await runReport([path.join(CREDIT, 'session.cast')], { format: 'html', output: out })).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('takes the format from -o when --format is not given, JSON otherwise', async () => {
    const dir = tmp();
    const cast = path.join(CREDIT, 'session.cast');
    expect(await main(['report', cast, '-o', path.join(dir, 'r.html')])).toBe(0);
    expect(await main(['report', cast, '-o', path.join(dir, 'r.MD')])).toBe(0);
    expect(await main(['report', cast, '-o', path.join(dir, 'r.txt')])).toBe(0);
    expect(await main(['report', cast, '--format', 'md', '-o', path.join(dir, 'forced.html')])).toBe(0);
    expect(readFileSync(path.join(dir, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(readFileSync(path.join(dir, 'r.MD'), 'utf8')).toMatch(/^# Xen console report/);
    expect(JSON.parse(readFileSync(path.join(dir, 'r.txt'), 'utf8'))).toMatchObject({
      schema: 'xenkeys.report/1',
    });
    expect(readFileSync(path.join(dir, 'forced.html'), 'utf8')).toMatch(/^# Xen console report/);
  });
});

describe('xenkeys diff', () => {
  it('compares a report.json with a recording, as text, Markdown or JSON', async () => {
    const a = path.join(REC, 'xen-4.17-boot-and-keys/expected/report.json');
    const b = path.join(REC, 'xen-4.17-dom0-panic-keys/session.cast');
    const text = sink();
    expect(await runDiff(a, b, { format: 'text' }, { stdout: text.out })).toBe(0);
    expect(text.text()).toContain(`A: ${a}\nB: ${b}`);
    expect(text.text()).toContain(
      'CPU 1 moved: arch/x86/domain.c#default_idle+0xc6/0xf0 → __x86_return_thunk+0/0xee0',
    );
    const out = path.join(tmp(), 'd.json');
    expect(await runDiff(a, b, { format: 'json', output: out })).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as { schema: string; domains: unknown };
    expect(json.schema).toBe('xenkeys.diff/1');
    expect(json.domains).toMatchObject({ appeared: [], vanished: [], kept: [0] });
    const md = sink();
    await runDiff(a, b, { format: 'md' }, { stdout: md.out });
    expect(md.text()).toMatch(/^# xenkeys diff\n/);
  });

  it('with one input compares the first and last dumps within it', async () => {
    const text = sink();
    await runDiff(path.join(CREDIT, 'session.cast'), null, { format: 'text' }, { stdout: text.out });
    expect(text.text()).toContain('the first and the last dump of each key');
    expect(text.text()).toContain('Idle in both: CPUs 0-3.');
  });

  it('refuses a report of another schema, and unreadable input, as bad input', async () => {
    const dir = tmp();
    const other = path.join(dir, 'other.json');
    writeFileSync(other, '{\n  "schema": "xenkeys.report/9",\n  "captures": []\n}\n');
    const err = await runDiff(other, null, { format: 'text' }).catch((e: unknown) => e);
    expect(isXenkeysError(err, 'bad-input')).toBe(true);
    expect((err as Error).message).toContain('schema xenkeys.report/9');
    const missing = await runDiff(path.join(dir, 'nope.json'), null, { format: 'text' }).catch(
      (e: unknown) => e,
    );
    expect(isXenkeysError(missing, 'bad-input')).toBe(true);
  });

  it('is a registered command', async () => {
    const out = path.join(tmp(), 'd.txt');
    expect(await main(['diff', path.join(CREDIT, 'session.cast'), '-o', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^xenkeys diff\n/);
    expect(await main(['diff', path.join(CREDIT, 'session.cast'), '--format', 'yaml'])).toBe(2);
  });
});

describe('capture → report.md', () => {
  const silent: Progress = { step() {}, succeed() {}, fail() {}, warn() {}, info() {}, stop() {} };

  it('writes the Markdown report beside report.json', async () => {
    const result = await runCapture(
      () => new SimulatedXenTransport({ script: tinyScript(), clock: systemClock }),
      {
        ...DEFAULT_CAPTURE,
        keys: 'qr',
        out: tmp(),
        timing: { quietMs: 50, firstOutputMs: 300, capMs: 5_000 },
      },
      { progress: silent, stdout: new PassThrough(), trapSignals: false },
    );
    expect(result.exitCode).toBe(0);
    const md = readFileSync(path.join(result.outDir, 'report.md'), 'utf8');
    expect(md).toMatch(/^# Xen console report: simulated Xen console\n/);
    expect(md).toContain('## `q` — ');
    expect(md).toContain('## `r` — ');
  });
});
