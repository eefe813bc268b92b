// The built CLI's two-thread report (`-o FILE`: reading here, parsing and writing on a worker) writes
// exactly what one thread writes, and what the in-memory report renders — for a log and for a cast — and
// leaves no temp file behind when the input cannot be read. Needs `npm run build` (npm test does it).

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { renderJson } from '../../src/report/render-json.js';
import { sourceMetaFromCast } from '../../src/report/source-meta.js';
import { runCli } from '../helpers/run-cli.js';
import { RECORDINGS } from './robust-helpers.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-report-worker-'));

describe('xenkeys report -o FILE on two threads', () => {
  it.each(['session.raw', 'session.cast'])(
    'writes what one thread and the in-memory report write (%s)',
    async (file) => {
      const input = path.join(RECORDINGS, 'xen-4.17-smp8-big-dump', file);
      const dir = tmp();
      const [two, one] = [path.join(dir, 'two.json'), path.join(dir, 'one.json')];
      expect((await runCli(['report', input, '-o', two])).code).toBe(0);
      expect((await runCli(['report', input, '-o', one], { env: { XENKEYS_REPORT_WORKER: '0' } })).code).toBe(
        0,
      );
      const written = readFileSync(two, 'utf8');
      expect(written).toBe(readFileSync(one, 'utf8'));
      const recording = await readRecording(input);
      const report = reportFromRecording(recording, file);
      // The console and the start: the cast's header says them; a raw log's captures.json beside it.
      const captures = JSON.parse(readFileSync(path.join(path.dirname(input), 'captures.json'), 'utf8')) as {
        console: { description: string };
        startedAt: string;
      };
      const meta = recording.header
        ? sourceMetaFromCast(recording.header)
        : { target: captures.console.description, startedAt: captures.startedAt };
      expect(meta.target).toMatch(/^tcp 127\.0\.0\.1:\d+$/);
      report.source = { kind: file.endsWith('.cast') ? 'recording' : 'log', name: file, ...meta };
      expect(written).toBe(renderJson(report));
    },
  );

  it('fails on an unreadable input without leaving a temp file', async () => {
    const dir = tmp();
    const run = await runCli(['report', path.join(dir, 'missing.log'), '-o', path.join(dir, 'r.json')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('missing.log');
    expect(readdirSync(dir)).toEqual([]);
  });
});
