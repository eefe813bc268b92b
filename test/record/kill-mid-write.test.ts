// The crash-safety promise, end to end: a child process writing a cast and a raw log is killed
// with SIGKILL mid-stream, and both files still read back completely up to the last event. The
// child runs the real writer code, transpiled on the fly (no build step) into a temp directory.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCast } from '../../src/record/asciicast.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

/** Transpiles src/core and src/record (imports already end in .js under NodeNext) into `out`. */
function transpile(out: string): void {
  for (const sub of ['src/core', 'src/record']) {
    mkdirSync(join(out, sub), { recursive: true });
    for (const file of readdirSync(join(root, sub)).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(root, sub, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
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

// Writes events as fast as it can, telling the parent once the first batch is in the files.
const child = `
import { CastWriter } from './src/record/cast-writer.js';
import { RawLogWriter } from './src/record/raw-log.js';
const cast = CastWriter.open(process.argv[2], { version: 2, width: 80, height: 24 });
const raw = RawLogWriter.open(process.argv[3]);
const euro = new TextEncoder().encode('€');
for (let i = 0; ; i += 1) {
  // Every third event ends mid-character, so the decoder holds bytes when the kill lands.
  const bytes = new Uint8Array([...new TextEncoder().encode('line ' + i + ' '), ...euro.subarray(0, i % 3 === 0 ? 1 : 3)]);
  const event = { type: 'output', t: i / 1000, bytes, offset: raw.bytesWritten };
  // The raw log first, as the CLI's session files do: it is never behind the cast.
  raw.write(event);
  cast.write(event);
  if (i === 1000) process.stdout.write('ready\\n');
  if (i >= 1_000_000) break;
}
setInterval(() => {}, 1000);
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-kill-'));
  transpile(dir);
  writeFileSync(join(dir, 'child.mjs'), child);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a writer killed with SIGKILL', () => {
  it('leaves a cast and a raw log that read back up to the last event', async () => {
    const castPath = join(dir, 'killed.cast');
    const rawPath = join(dir, 'killed.raw');
    const proc = spawn(process.execPath, [join(dir, 'child.mjs'), castPath, rawPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      proc.on('error', reject);
      proc.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      proc.stdout.once('data', () => {
        // Let it write a little longer so the kill lands mid-stream.
        setTimeout(() => {
          proc.kill('SIGKILL');
          resolve();
        }, 30);
      });
    });
    await new Promise((resolve) => proc.once('close', resolve));
    expect(proc.signalCode).toBe('SIGKILL');

    const parsed = parseCast(readFileSync(castPath, 'utf8'), { source: 'killed.cast' });
    expect(parsed.events.length).toBeGreaterThan(1000);
    // At most the torn last line is lost; everything before it is intact and in order.
    expect(parsed.warnings.filter((w) => !/incomplete last line/.test(w.message))).toEqual([]);
    parsed.events.forEach((event, i) => {
      expect(event.data).toContain(`line ${i} `);
      expect(event.time).toBe(i / 1000);
    });

    const raw = readFileSync(rawPath, 'latin1');
    expect(raw.startsWith('line 0 \u00e2line 1 \u00e2\u0082\u00acline 2 ')).toBe(true);
    expect(raw.split('line ').length - 1).toBeGreaterThanOrEqual(parsed.events.length);
  });
});
