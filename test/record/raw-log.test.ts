// The raw log keeps exactly the output bytes (every byte value, invalid UTF-8 included) and
// nothing else, readable whole or streamed in chunks.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRawLog, RawLogWriter, streamRawLog } from '../../src/record/raw-log.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-raw-'));
  path = join(dir, 'session.raw');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('RawLogWriter', () => {
  it('stores bytes 0x00-0xFF exactly, split across events, and ignores non-output events', () => {
    const writer = RawLogWriter.open(path);
    let offset = 0;
    for (const end of [1, 3, 128, 129, 200, 256]) {
      writer.write({ type: 'output', t: offset / 100, bytes: everyByte.subarray(offset, end), offset });
      writer.write({ type: 'marker', t: 0, label: 'key q' });
      writer.write({ type: 'input', t: 0, bytes: Uint8Array.from([0x71]) });
      writer.write({ type: 'resize', t: 0, cols: 1, rows: 1 });
      offset = end;
    }
    expect(writer.bytesWritten).toBe(256);
    // Readable before close: every write went straight to the file.
    expect(readRawLog(path)).toEqual(everyByte);
    writer.close();
    writer.writeBytes(Uint8Array.from([1]));
    expect(readRawLog(path)).toEqual(everyByte);
  });

  it('streams a big log in chunks that concatenate to the file', async () => {
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
    const writer = RawLogWriter.open(path);
    writer.writeBytes(big);
    writer.close();
    expect(statSync(path).size).toBe(big.length);
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamRawLog(path, { chunkSize: 4096 })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.constructor === Uint8Array)).toBe(true);
    expect(Uint8Array.from(chunks.flatMap((c) => [...c]))).toEqual(big);
  });

  it('reads an empty log as no bytes', () => {
    RawLogWriter.open(path).close();
    expect(readRawLog(path)).toEqual(new Uint8Array(0));
  });
});
