// The open segment survives kill -9: a child process runs the real SegmentRecorder (transpiled on
// the fly, as test/record/kill-mid-write.test.ts does) with rotation on, and is killed mid-stream.
// Every raw segment joined is a prefix of what it was given, and every cast parses.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCast } from '../../src/record/asciicast.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

function transpile(out: string): void {
  const files: [string, string[]][] = [
    ['src/core', readdirSync(join(root, 'src/core')).filter((f) => f.endsWith('.ts'))],
    ['src/record', readdirSync(join(root, 'src/record')).filter((f) => f.endsWith('.ts'))],
    ['src/watch', ['segments.ts', 'segment-split.ts']],
  ];
  for (const [sub, names] of files) {
    mkdirSync(join(out, sub), { recursive: true });
    for (const file of names) {
      const { outputText } = ts.transpileModule(readFileSync(join(root, sub, file), 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      writeFileSync(join(out, sub, file.replace(/\.ts$/, '.js')), outputText);
    }
  }
  writeFileSync(join(out, 'package.json'), '{"type": "module"}\n');
}

// Lines of `line N €` (some chunks end mid-character), 4 KiB segments, as fast as it can.
const child = `
import { SegmentRecorder } from './src/watch/segments.js';
const t0 = performance.now();
const clock = { now: () => performance.now() - t0, wallNow: () => Date.now(), setTimeout: (f, ms) => { const h = setTimeout(f, ms); return { cancel: () => clearTimeout(h) }; } };
const rec = new SegmentRecorder({ dir: process.argv[2], maxBytes: 4096, maxAgeMs: Infinity, keepMs: 0, title: 'kill', clock });
let offset = 0;
const all = new TextEncoder().encode(Array.from({ length: 200000 }, (_, i) => 'line ' + i + ' €\\r\\n').join(''));
for (let at = 0, i = 0; at < all.length; at += 13, i++) {
  const bytes = all.subarray(at, at + 13);
  rec.write({ type: 'output', t: clock.now() / 1000, bytes, offset });
  offset += bytes.length;
  if (i === 2000) process.stdout.write('ready\\n');
}
setInterval(() => {}, 1000);
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-segkill-'));
  transpile(dir);
  writeFileSync(join(dir, 'child.mjs'), child);
  mkdirSync(join(dir, 'out'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a recorder killed with SIGKILL leaves segments that join to a prefix of the stream, each cast readable', async () => {
  const out = join(dir, 'out');
  const proc = spawn(process.execPath, [join(dir, 'child.mjs'), out], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    proc.stdout.once('data', () => {
      proc.kill('SIGKILL');
      resolve();
    });
  });
  await new Promise((resolve) => proc.once('close', resolve));
  expect(proc.signalCode).toBe('SIGKILL');
  const names = readdirSync(out).sort();
  const raws = names.filter((n) => n.endsWith('.raw'));
  expect(raws.length).toBeGreaterThan(5);
  const joined = Buffer.concat(raws.map((r) => readFileSync(join(out, r))));
  const expected = Buffer.from(Array.from({ length: 200000 }, (_, i) => `line ${i} €\r\n`).join(''));
  // Everything written before the child said so (2000 chunks of 13 bytes) is there, byte for byte.
  expect(joined.length).toBeGreaterThanOrEqual(2001 * 13);
  expect(joined.equals(expected.subarray(0, joined.length))).toBe(true);
  for (const c of names.filter((n) => n.endsWith('.cast'))) {
    const parsed = parseCast(readFileSync(join(out, c), 'utf8'), { source: c });
    expect(parsed.warnings.filter((w) => !/incomplete last line/.test(w.message))).toEqual([]);
    expect(parsed.events.map((e) => e.data).join('')).not.toContain('\ufffd');
  }
});
