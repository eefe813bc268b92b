// What `capture` prints and leaves behind, for people and for scripts: the table on a terminal and
// tab-separated columns in a pipe, `--json`, the full `files:` line, no empty folder after a failed
// connect, and the flag spellings a new user tries first (-H, --quiet-gap abc, demo --help).

import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureJson } from '../../src/cli/capture-json.js';
import { runCli } from '../helpers/run-cli.js';
import { simXenOverTcp, type SimTcp } from '../helpers/sim-tcp.js';

let xen: SimTcp;
beforeAll(async () => (xen = await simXenOverTcp()));
afterAll(() => xen.close());

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-out-'));
const fast = ['--quiet-gap', '50', '--first-output-timeout', '300', '--no-progress'];

describe('capture output for scripts', () => {
  it('--json prints one JSON object: the captures.json summary and the absolute paths', async () => {
    const out = path.join(tmp(), 'run');
    const run = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${xen.port}`,
      '--keys',
      'qr',
      '-o',
      out,
      '--json',
      ...fast,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as CaptureJson;
    expect(result).toMatchObject({ schema: 'xenkeys.capture-result/1', dir: out, exitCode: 0 });
    expect(result.paths).toEqual({
      cast: path.join(out, 'session.cast'),
      raw: path.join(out, 'session.raw'),
      captures: path.join(out, 'captures.json'),
      reportJson: path.join(out, 'report.json'),
      reportMarkdown: path.join(out, 'report.md'),
    });
    for (const file of Object.values(result.paths)) expect(existsSync(file)).toBe(true);
    expect(result.summary.captures.map((c) => c.key)).toEqual(['h', 'q', 'r']);
    expect(result.summary.input).toEqual({ found: 'dom0', final: 'dom0', restored: true });
    expect(result.summary.captures[0]).not.toHaveProperty('text');
  });

  it('without --json, a pipe gets tab-separated columns (no box drawing) and every file written', async () => {
    const out = tmp();
    const run = await runCli([
      'capture',
      '--tcp',
      `127.0.0.1:${xen.port}`,
      '--keys',
      'q',
      '-o',
      out,
      ...fast,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/[─│┌└]/);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      'key\tdescription\tlines\tbytes\tstart s\ttook s\tend',
      expect.stringMatching(/^h\tshow this message\t\d+\t\d+\t/),
    ]);
    expect(run.stdout).toContain(
      `files: ${out}/{session.cast,session.raw,captures.json,report.json,report.md}\n`,
    );
  });

  it('ports --json prints a JSON array', async () => {
    const run = await runCli(['ports', '--json']);
    expect(run.code).toBe(0);
    expect(Array.isArray(JSON.parse(run.stdout))).toBe(true);
  });
});

describe('a failed connect', () => {
  it('leaves no session folder behind and says the cause once', async () => {
    const parent = tmp();
    const out = path.join(parent, 'a', 'b');
    const run = await runCli(['capture', '--tcp', '127.0.0.1:1', '-o', out, '--no-progress'], {
      env: { NO_COLOR: '1' },
    });
    expect(run.code).toBe(3);
    expect(existsSync(path.join(parent, 'a'))).toBe(false);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('xenkeys: tcp 127.0.0.1:1: connection refused\n');
    expect(run.stderr.match(/127\.0\.0\.1:1/g)).toHaveLength(2); // the message and the hint, once each
  });
});

describe('flags a new user tries', () => {
  it("-H is --ipmi's host, as in ipmitool", async () => {
    // ipmitool missing: the exit says the IPMI transport was chosen (13), not an unknown option (2).
    const run = await runCli(['capture', '-H', '127.0.0.1', '-U', 'admin', '--keys', 'none'], {
      env: { PATH: '/nonexistent', IPMI_PASSWORD: 'x' },
    });
    expect(run.stderr).toContain('ipmitool is not installed');
    expect(run.code).toBe(13);
  });

  it('--quiet-gap abc says what is wanted, without an absurd upper bound', async () => {
    const run = await runCli(['capture', '--quiet-gap', 'abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--quiet-gap must be a whole number of at least 10, not "abc".');
    expect(run.stderr).not.toContain('9007199254740991');
  });

  it('--keys qj is refused before connecting', async () => {
    const run = await runCli(['capture', '--tcp', '127.0.0.1:1', '--keys', 'qj']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no Xen version has a debug key 'j'");
  });

  it('demo --help names the folder the demo really writes to', async () => {
    const run = await runCli(['demo', '--help']);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(
      `(default: a new ${path.join(os.tmpdir(), 'xenkeys-demo-XXXXXX')};`,
    );
  });
});
