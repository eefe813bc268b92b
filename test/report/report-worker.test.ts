// The built CLI's two-thread report (`-o FILE`: reading here, parsing and writing on a worker) writes
// exactly what one thread writes, and what the in-memory report renders — for a log and for a cast, a
// log that ends inside a key section, and a key section longer than the parse window (its text spilled
// here, read back by the worker) — and leaves no temp file behind when the input cannot be read. Needs
// `npm run build` (npm test does it).

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { renderJson } from '../../src/report/render-json.js';
import { sourceMetaFromCast } from '../../src/report/source-meta.js';
import { PARSE_WINDOW_CHARS } from '../../src/report/text-rest.js';
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

  it('keeps the last capture of a log that ends inside it', async () => {
    const input = path.resolve(import.meta.dirname, '../fixtures/public/xen-m-memory-info-blog.log');
    const dir = tmp();
    const [two, one] = [path.join(dir, 'two.json'), path.join(dir, 'one.json')];
    expect((await runCli(['report', input, '-o', two])).code).toBe(0);
    expect((await runCli(['report', input, '-o', one], { env: { XENKEYS_REPORT_WORKER: '0' } })).code).toBe(
      0,
    );
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    const doc = JSON.parse(readFileSync(two, 'utf8')) as { captures: { key: string }[] };
    expect(doc.captures.map((c) => c.key)).toEqual(['m']);
  });

  it('writes all the text of a section longer than the parse window, as one thread does', async () => {
    const dir = tmp();
    const input = path.join(dir, 'huge.log');
    const lines = ["(XEN) 'q' pressed -> dumping domain info (now = 1)"];
    for (let n = 0, i = 0; n < PARSE_WINDOW_CHARS * 1.2; i++, n += 80)
      lines.push(
        `(XEN)     VCPU${i}: CPU${i % 8} [has=F] poll=0 upcall_pend=00 upcall_mask=00 ${'.'.repeat(i % 9)}`,
      );
    writeFileSync(input, lines.map((l) => `${l}\r\n`).join(''));
    for (const ext of ['json', 'md']) {
      const [two, one] = [path.join(dir, `two.${ext}`), path.join(dir, `one.${ext}`)];
      expect((await runCli(['report', input, '-o', two])).code).toBe(0);
      expect((await runCli(['report', input, '-o', one], { env: { XENKEYS_REPORT_WORKER: '0' } })).code).toBe(
        0,
      );
      expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    }
    const doc = JSON.parse(readFileSync(path.join(dir, 'two.json'), 'utf8')) as {
      captures: { text: string; lines: number; parsedLines?: number }[];
    };
    expect(doc.captures[0]).toMatchObject({ text: lines.join('\n'), lines: lines.length });
    expect(doc.captures[0]?.parsedLines).toBeLessThan(lines.length);
  });

  it('fails on an unreadable input without leaving a temp file', async () => {
    const dir = tmp();
    const run = await runCli(['report', path.join(dir, 'missing.log'), '-o', path.join(dir, 'r.json')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('missing.log');
    expect(readdirSync(dir)).toEqual([]);
  });
});
