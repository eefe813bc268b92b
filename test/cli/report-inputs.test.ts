// `xenkeys report` of what a user actually hands it: a capture folder (read its session), the folder's
// captures.json or report.json (said to be what they are), and inputs with no Xen output at all (empty,
// random bytes, plain text): a clear "no Xen console output" and exit 14, never a clean empty report.

import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';

const env = { NO_COLOR: '1' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-report-in-'));
const RECORDING = path.join(ROOT, 'recordings/xen-4.17-boot-and-keys');

describe('xenkeys report of a capture folder', () => {
  it("reads the folder's session.cast, the same report as naming the file", async () => {
    const folder = await runCli(['report', RECORDING], { env });
    const file = await runCli(['report', path.join(RECORDING, 'session.cast')], { env });
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.stdout).toBe(file.stdout);
    expect(JSON.parse(folder.stdout).captures.length).toBeGreaterThan(3);
  });

  it('falls back to session.raw, and says so when the folder has neither', async () => {
    const rawOnly = path.join(dir, 'raw-only');
    cpSync(path.join(RECORDING, 'session.raw'), path.join(rawOnly, 'session.raw'), { recursive: true });
    const raw = await runCli(['report', rawOnly], { env });
    expect(raw.code, raw.stderr).toBe(0);
    expect(JSON.parse(raw.stdout).source).toMatchObject({ kind: 'log', name: 'session.raw' });

    // Beside its captures.json, a raw log's report names the console and the start from there.
    cpSync(path.join(RECORDING, 'captures.json'), path.join(rawOnly, 'captures.json'));
    const named = await runCli(['report', path.join(rawOnly, 'session.raw'), '--format', 'md'], { env });
    expect(named.stdout).toMatch(/^# Xen console report: tcp 127\.0\.0\.1:\d+\n\nStarted 20\d\d-/);

    const empty = mkdtempSync(path.join(dir, 'empty-'));
    const none = await runCli(['report', empty], { env });
    expect(none.code).toBe(14);
    expect(none.stderr).toContain(`${empty} is a folder without session.cast or session.raw`);
  });
});

describe('xenkeys report of what is not console output', () => {
  it('names captures.json and report.json for what they are', async () => {
    const captures = path.join(dir, 'captures.json');
    writeFileSync(
      captures,
      JSON.stringify({ schema: 'xenkeys.captures/1', captures: [{ text: "(XEN) 'q' pressed" }] }, null, 2),
    );
    const c = await runCli(['report', captures], { env });
    expect(c.code).toBe(14);
    expect(c.stdout).toBe('');
    expect(c.stderr).toContain(
      "captures.json is xenkeys' captures.json (the index of a capture, not console output)",
    );
    expect(c.stderr).toContain('xenkeys report DIR');

    const report = path.join(dir, 'report.json');
    writeFileSync(report, '{\n  "schema": "xenkeys.report/1"\n}\n');
    expect((await runCli(['report', report], { env })).stderr).toContain('is a xenkeys report already');
  });

  it.each([
    ['empty.log', Buffer.alloc(0), 'is an empty file'],
    [
      'noise.bin',
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
      'is binary data (4096 bytes',
    ],
    ['dmesg.txt', Buffer.from('[    0.000000] Linux version 6.1\nhello\n'), 'is text (39 bytes)'],
  ])('%s: says no Xen output was found, exits 14 and writes no file', async (name, bytes, words) => {
    const input = path.join(dir, name);
    writeFileSync(input, bytes);
    const outDir = mkdtempSync(path.join(dir, 'out-'));
    for (const format of ['json', 'md', 'html']) {
      const run = await runCli(
        ['report', input, '--format', format, '-o', path.join(outDir, `r.${format}`)],
        { env },
      );
      expect(run.code).toBe(14);
      expect(run.stderr).toContain(`no Xen console output found: ${input} ${words}`);
    }
    expect(readdirSync(outDir)).toEqual([]);
    const toStdout = await runCli(['report', input], { env });
    expect([toStdout.code, toStdout.stdout]).toEqual([14, '']);
  });
});
