// SIGTERM (a service manager stopping us) and SIGHUP (the terminal going away) end a capture the way
// Ctrl-C does: input goes back to where it was found first, then the exit code says which signal.
// Run on the simulated Xen through the built CLI, as a user would run it.

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CapturesDocument } from '../../src/capture/captures-file.js';
import { startCli } from '../helpers/run-cli.js';

describe.each([
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)('%s during a capture', (signal, code) => {
  it(`returns input to dom0 and exits ${code}`, async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'xk-sig-'));
    // A long quiet gap keeps the capture of q running while the signal arrives.
    const run = startCli([
      'demo',
      '--no-tui',
      '--keys',
      'qrd',
      '--quiet-gap',
      '5000',
      '--progress',
      '-o',
      out,
    ]);
    await run.waitForOutput(/key q \(2\/4\)/);
    run.child.kill(signal);
    const result = await run.done;
    expect(result.code).toBe(code);
    const doc = JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8')) as CapturesDocument;
    expect(doc.outcome.interrupted).toBe(signal);
    expect(doc.input).toMatchObject({ found: 'dom0', final: 'dom0', restored: true });
    expect(doc.captures.map((c) => [c.key, c.endReason])).toEqual([
      ['h', 'quiet'],
      ['q', 'interrupted'],
    ]);
  });
});
