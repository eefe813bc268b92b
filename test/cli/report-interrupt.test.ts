// Ctrl-C during `xenkeys report`: reading stops (even stdin waiting for bytes that never come), the
// half-written report's temp file and the spill of a long key's text are removed, exit 130.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BIN, ROOT } from '../helpers/run-cli.js';

const LINE = '(XEN) General information for domain 0: refcnt 3 dying 0 pause_count 0\n';

describe('report, interrupted', () => {
  for (const format of ['json', 'md']) {
    it(`leaves no file behind when Ctrl-C comes mid-key (-o r.${format})`, async () => {
      const out = mkdtempSync(path.join(os.tmpdir(), 'xk-int-out-'));
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'xk-int-tmp-'));
      const child = spawn(process.execPath, [BIN, 'report', '-', '-o', path.join(out, `r.${format}`)], {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // One `q` longer than the 4 MiB parse window (so its rest is spilled), and stdin left open.
      child.stdin.write(`(XEN) 'q' pressed -> dumping domain info (now = 1)\n${LINE.repeat(80_000)}`);
      const spills = (): string[] => readdirSync(tmp).filter((n) => n.startsWith('xenkeys-text-'));
      await vi.waitFor(
        () => {
          expect(spills()).toHaveLength(1);
          expect(readdirSync(out)).toHaveLength(1); // the report's temp file
        },
        { timeout: 30_000, interval: 50 },
      );
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(130);
      expect(stderr).toContain('SIGINT: stopped; no report written');
      expect(readdirSync(out)).toEqual([]);
      expect(spills()).toEqual([]);
    });
  }
});
