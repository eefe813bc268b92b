// `xenkeys demo --recording NAME`: the simulator plays a bundled recording by name — the many-domain
// one (recordings/xen-4.17-guests: dom0, g1-g8, spin, crash, down) — pressing the keys it captured.

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { bundledRecordingNames, resolveDemoRecording } from '../../src/cli/demo-recordings.js';

describe('demo --recording', () => {
  it('plays the many-domain recording by name: its own keys, twelve domains in q, g4 with its four vCPUs', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-demo-guests-'));
    const run = await runCli([
      'demo',
      '--no-tui',
      '--recording',
      'xen-4.17-guests',
      '--quiet-gap',
      '100',
      '-o',
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      'SIMULATED from a recording of real Xen 4.17 (xen-4.17-guests/session.cast)',
    );
    const captures = JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8'));
    expect(captures.captures.map((c: { key: string }) => c.key).join('')).toBe('hqrdeiug');
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const q = report.captures.find((c: { key: string }) => c.key === 'q').parsed;
    expect(q.domains.map((d: { id: number }) => d.id)).toEqual([
      0,
      ...Array.from({ length: 11 }, (_, i) => i + 1),
    ]);
    expect(q.domains.find((d: { id: number }) => d.id === 4).vcpus).toHaveLength(4); // g4: four vCPUs
  });

  it('names the bundled recordings when the name is unknown', () => {
    expect(bundledRecordingNames()).toContain('xen-4.17-guests');
    expect(() => resolveDemoRecording('no-such-recording')).toThrow(/no recording called no-such-recording/);
    try {
      resolveDemoRecording('no-such-recording');
    } catch (error) {
      expect((error as { hint: string }).hint).toContain('xen-4.17-guests');
    }
  });
});
