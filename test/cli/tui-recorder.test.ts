// Recordings started from the TUI go through the same safe files: numbered from the output folder's
// next free number, 0600, and a link planted at the next name is refused with its target untouched.

import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { XenConsole } from '../../src/console/xen-console.js';
import { createTuiRecorder } from '../../src/cli/tui-recorder.js';
import { FakeTransport } from '../../src/transports/fake.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), 'xk-tuirec-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('TUI recordings', () => {
  it('number on from a reused folder, are 0600, and refuse a planted link', () => {
    const console = new XenConsole(new FakeTransport(), { clock: systemClock });
    const recorder = createTuiRecorder(
      console,
      { dir, index: 3 },
      { title: 't', recordInput: false, clock: systemClock },
    );
    recorder.start();
    recorder.stop();
    recorder.start();
    recorder.stop();
    expect(recorder.casts.map((c) => path.basename(c))).toEqual(['session-3.cast', 'session-4.cast']);
    for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);

    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, path.join(dir, 'session-5.raw'));
    expect(() => recorder.start()).toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).not.toContain('session-5.cast');
    recorder.close();
    console.dispose();
  });
});
