// Piping into `head` closes the reader early. xenkeys then stops writing quietly, like any Unix tool:
// no "internal error: write EPIPE", the capture's files are still written and input still returned.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CapturesDocument } from '../../src/capture/captures-file.js';
import { BIN, ROOT } from '../helpers/run-cli.js';
import { simXenOverTcp } from '../helpers/sim-tcp.js';

/** `xenkeys ARGS | head -N` in bash; resolves with xenkeys' own exit status and stderr. */
function piped(args: string[], head: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `"${process.execPath}" "${BIN}" "$@" 2>"$XK_ERR" | head ${head}; exit \${PIPESTATUS[0]}`;
  const errFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'xk-pipe-')), 'stderr');
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script, 'xenkeys', ...args],
      { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', XK_ERR: errFile } },
      (error, stdout) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({ code, stdout, stderr: readFileSync(errFile, 'utf8') });
      },
    );
  });
}

const RECORDING = path.join(ROOT, 'recordings/xen-4.17-boot-and-keys/session.cast');

describe('a reader that goes away (| head)', () => {
  it('replay --no-tui stops quietly with exit 0', async () => {
    const run = await piped(['replay', RECORDING, '--no-tui', '--speed', 'max'], '-c 100');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBe(100);
  });

  it('demo --no-tui (the capture pipeline) still writes every file and returns input', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-pipe-demo-'));
    const run = await piped(['demo', '--no-tui', '--keys', 'qr', '--quiet-gap', '50', '-o', out], '-2');
    expect(run.stderr).not.toMatch(/EPIPE|internal error/);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/SIMULATED/);
    const doc = JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8')) as CapturesDocument;
    expect(doc.input).toMatchObject({ final: 'dom0', restored: true });
    expect(doc.captures.map((c) => c.key)).toEqual(['h', 'q', 'r']);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/^# /);
  });

  it('capture --tcp … | head -1 keeps its files and returns input', async () => {
    const xen = await simXenOverTcp();
    try {
      const out = mkdtempSync(path.join(os.tmpdir(), 'xk-pipe-cap-'));
      const args = [
        'capture',
        '--tcp',
        `127.0.0.1:${xen.port}`,
        '--keys',
        'qr',
        '--quiet-gap',
        '50',
        '-o',
        out,
      ];
      const run = await piped(args, '-1');
      expect(run.stderr).not.toMatch(/EPIPE|internal error/);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('key\tdescription\tlines\tbytes\tstart s\ttook s\tend\n');
      const doc = JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8')) as CapturesDocument;
      expect(doc.input).toMatchObject({ final: 'dom0', restored: true });
    } finally {
      await xen.close();
    }
  });

  it('stderr closed as well (2>&1 | head -1) changes nothing', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-pipe-both-'));
    const script = `"${process.execPath}" "${BIN}" "$@" 2>&1 | head -1 >/dev/null; exit \${PIPESTATUS[0]}`;
    const code = await new Promise<number>((resolve) =>
      execFile(
        'bash',
        [
          '-c',
          script,
          'xenkeys',
          'demo',
          '--no-tui',
          '--keys',
          'q',
          '--quiet-gap',
          '50',
          '--progress',
          '-o',
          out,
        ],
        { cwd: ROOT },
        (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
      ),
    );
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8')) as CapturesDocument;
    expect(doc.input).toMatchObject({ final: 'dom0', restored: true });
  });
});
