// CastWriter on real files: event mapping, input privacy by default, monotonic times, decoding of
// split and invalid UTF-8, and that an unclosed writer (a killed process) leaves a readable cast.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session-event.js';
import { parseCast, type CastHeader } from '../../src/record/asciicast.js';
import { CastWriter } from '../../src/record/cast-writer.js';

const header: CastHeader = { version: 2, width: 80, height: 24, timestamp: 1700000000 };
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const out = (t: number, bytes: Uint8Array | string): SessionEvent => ({
  type: 'output',
  t,
  bytes: typeof bytes === 'string' ? utf8(bytes) : bytes,
  offset: 0,
});

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-cast-'));
  path = join(dir, 'session.cast');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const events = () => parseCast(readFileSync(path, 'utf8')).events;

describe('CastWriter', () => {
  it('writes the header as soon as it is opened', () => {
    const writer = CastWriter.open(path, header);
    expect(parseCast(readFileSync(path, 'utf8')).header).toEqual(header);
    writer.close();
  });

  it('maps output, marker and resize events to o, m and r', () => {
    const writer = CastWriter.open(path, header);
    writer.write(out(0.5, '(XEN) hello\r\n'));
    writer.write({ type: 'marker', t: 1, label: 'key q: dump' });
    writer.write({ type: 'resize', t: 1.25, cols: 132, rows: 50 });
    writer.close();
    expect(events()).toEqual([
      { time: 0.5, code: 'o', data: '(XEN) hello\r\n' },
      { time: 1, code: 'm', data: 'key q: dump' },
      { time: 1.25, code: 'r', data: '132x50' },
    ]);
  });

  it('leaves input out unless asked to record it', () => {
    const input: SessionEvent = { type: 'input', t: 0.1, bytes: utf8('hunter2\r') };
    const quiet = CastWriter.open(path, header);
    quiet.write(input);
    quiet.close();
    expect(events()).toEqual([]);
    expect(readFileSync(path, 'utf8')).not.toContain('hunter2');

    rmSync(path);
    const loud = CastWriter.open(path, header, { recordInput: true });
    loud.write(input);
    loud.close();
    expect(events()).toEqual([{ time: 0.1, code: 'i', data: 'hunter2\r' }]);
  });

  it('keeps times non-decreasing however the events arrive', () => {
    const writer = CastWriter.open(path, header);
    for (const t of [1, 0.5, Number.NaN, 2, 1.999999, 3]) writer.write(out(t, 'x'));
    writer.close();
    expect(events().map((e) => e.time)).toEqual([1, 1, 1, 2, 2, 3]);
  });

  it('writes a character split across output chunks once, at the time it completes', () => {
    const euro = utf8('€');
    const writer = CastWriter.open(path, header);
    writer.write(out(1, euro.subarray(0, 2)));
    writer.write(out(2, euro.subarray(2)));
    writer.close();
    expect(events()).toEqual([{ time: 2, code: 'o', data: '€' }]);
  });

  it('writes invalid bytes as U+FFFD, and a dangling partial character on close', () => {
    const writer = CastWriter.open(path, header);
    writer.write(out(1, Uint8Array.from([0x61, 0xff, 0x62])));
    writer.write(out(2, Uint8Array.from([0xe2, 0x82])));
    writer.close();
    expect(events()).toEqual([
      { time: 1, code: 'o', data: 'a\uFFFDb' },
      { time: 2, code: 'o', data: '\uFFFD' },
    ]);
  });

  it('leaves every written event readable without close() (what kill -9 leaves)', () => {
    const writer = CastWriter.open(path, header);
    for (let i = 0; i < 500; i += 1) writer.write(out(i / 100, `line ${i}\r\n`));
    // No close(): each event is already in the file, not in a buffer of ours.
    const parsed = parseCast(readFileSync(path, 'utf8'));
    expect(parsed.events).toHaveLength(500);
    expect(parsed.events[499]).toEqual({ time: 4.99, code: 'o', data: 'line 499\r\n' });
    expect(parsed.warnings).toEqual([]);
    writer.close();
  });

  it('ignores events after close and closes only once', () => {
    const writer = CastWriter.open(path, header);
    writer.close();
    writer.write(out(1, 'late'));
    writer.close();
    expect(events()).toEqual([]);
  });
});

describe('CastWriter coalescing', () => {
  it('merges output that arrives within the window, keeps markers in order, loses nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xk-coalesce-'));
    const file = join(dir, 's.cast');
    const w = CastWriter.open(file, { version: 2, width: 80, height: 24 }, { coalesceMs: 10 });
    const text = "(XEN) 'd' pressed -> dumping registers\r\n";
    [...text].forEach((ch, i) =>
      w.write({ type: 'output', t: 1 + i * 0.0001, bytes: Buffer.from(ch), offset: i }),
    );
    w.write({ type: 'marker', t: 1.5, label: 'key d end' });
    w.write({ type: 'output', t: 2, bytes: Buffer.from('tail'), offset: text.length });
    w.close();
    const cast = parseCast(readFileSync(file, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    expect(cast.events.map((e) => [e.code, e.data])).toEqual([
      ['o', text],
      ['m', 'key d end'],
      ['o', 'tail'],
    ]);
  });
});
