// Rotation of the watcher's recording: the raw segments joined are exactly the stream, every cast is
// a complete file that never holds half a character, a key's output is kept whole unless far too
// big (then both segments say so), old segments go after --keep, and kill -9 leaves readable files.

import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import type { SessionEvent } from '../../src/core/session-event.js';
import { parseCast } from '../../src/record/asciicast.js';
import { formatMarker } from '../../src/record/markers.js';
import { SegmentRecorder } from '../../src/watch/segments.js';
import { incompleteTail, splitPoint } from '../../src/watch/segment-split.js';

let dir: string;
let now = 0;
const clock: Clock = {
  now: () => now,
  wallNow: () => 1_800_000_000_000 + now,
  setTimeout: () => ({ cancel: () => undefined }),
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-seg-'));
  now = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function recorder(maxBytes: number, maxAgeMs = Infinity, keepMs = 0): SegmentRecorder {
  return new SegmentRecorder({ dir, maxBytes, maxAgeMs, keepMs, title: 't', clock });
}

let offset = 0;
function out(bytes: Uint8Array): SessionEvent {
  const e: SessionEvent = { type: 'output', t: now / 1000, bytes, offset };
  offset += bytes.length;
  return e;
}
const marker = (label: string): SessionEvent => ({ type: 'marker', t: now / 1000, label });

function segments(ext: 'raw' | 'cast'): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.${ext}`))
    .sort();
}
const castOf = (name: string) => parseCast(readFileSync(join(dir, name), 'utf8'));
const outputText = (name: string): string =>
  castOf(name)
    .events.filter((e) => e.code === 'o')
    .map((e) => e.data)
    .join('');
const markers = (name: string): string[] =>
  castOf(name)
    .events.filter((e) => e.code === 'm')
    .map((e) => e.data);

describe('split points', () => {
  it('finds a character left open at the end of a chunk', () => {
    const euro = Buffer.from('€');
    expect(incompleteTail(euro)).toBe(0);
    expect(incompleteTail(euro.subarray(0, 2))).toBe(2);
    expect(incompleteTail(Buffer.from('ab\xc3', 'latin1'))).toBe(1);
  });

  it('prefers a line end, and only splits mid-line at the start of a character when forced', () => {
    const bytes = Buffer.from('\x82\xacxy€z', 'latin1'); // ends the previous chunk's € first
    const req = { due: true, force: false, keyOpen: false, previousIncomplete: true, atLineStart: false };
    expect(splitPoint(Buffer.from('ab\ncd'), req)).toEqual({ at: 3, lineEnd: true });
    expect(splitPoint(bytes, req)).toBeNull();
    expect(splitPoint(bytes, { ...req, force: true })).toEqual({ at: 2, lineEnd: false });
    expect(splitPoint(Buffer.from('a\n'), { ...req, keyOpen: true })).toBeNull();
    expect(splitPoint(Buffer.from('a\n'), { ...req, atLineStart: true })).toEqual({ at: 0, lineEnd: true });
  });
});

describe('SegmentRecorder', () => {
  it('joins back to exactly the stream, with no character cut in any cast', () => {
    offset = 0;
    const rec = recorder(100);
    const text = Array.from(
      { length: 200 },
      (_, i) => `(XEN) line ${i} ünïcödé € 😀${i % 7 === 0 ? '' : '\r\n'}`,
    ).join('');
    const all = Buffer.from(text, 'utf8');
    // Chunks of 7 bytes: many end inside a character.
    for (let i = 0; i < all.length; i += 7) {
      now += 1;
      rec.write(out(all.subarray(i, i + 7)));
    }
    rec.close();
    const raws = segments('raw');
    expect(raws.length).toBeGreaterThan(10);
    expect(Buffer.concat(raws.map((r) => readFileSync(join(dir, r))))).toEqual(all);
    const casts = segments('cast');
    expect(casts.map((c) => c.replace(/\.cast$/, ''))).toEqual(raws.map((r) => r.replace(/\.raw$/, '')));
    for (const c of casts) expect(outputText(c)).not.toContain('\ufffd');
    expect(casts.map(outputText).join('')).toBe(text);
    // Each header says where its bytes sit in the stream.
    let at = 0;
    for (const [i, c] of casts.entries()) {
      expect(castOf(c).header['xenkeys_segment']).toMatchObject({ index: i + 1, stream_offset: at });
      at += readFileSync(join(dir, raws[i]!)).length;
    }
  });

  it("keeps a key's output in one segment, and marks both sides when it must cut through one", () => {
    offset = 0;
    const rec = recorder(300);
    rec.write(out(Buffer.from('x'.repeat(299) + '\n')));
    rec.write(marker(formatMarker({ type: 'key-start', key: 'd', description: 'dump registers' })));
    const line = Buffer.from('(XEN)    [<ffff82d040350ee4>] R xstate_init+0x24b/0x2ff\r\n');
    for (let i = 0; i < 5; i++) rec.write(out(line)); // 585 bytes: past the size, not twice it
    expect(segments('raw').map((r) => readFileSync(join(dir, r), 'utf8').length)).toEqual([585]);
    for (let i = 0; i < 10; i++) rec.write(out(line)); // past twice the size: forced
    rec.write(marker(formatMarker({ type: 'key-end', key: 'd', lines: 15, bytes: 900, reason: 'quiet' })));
    rec.close();
    const casts = segments('cast');
    expect(casts).toHaveLength(2);
    expect(markers(casts[0]!).at(-1)).toMatch(/segment continues in .* \(inside key 'd' output\)/);
    expect(markers(casts[1]!)[0]).toMatch(/continued from .* \(inside key 'd' output\)/);
    // A line boundary was available, so the forced split still fell between lines.
    expect(outputText(casts[1]!).startsWith('(XEN)')).toBe(true);
  });

  it('starts a new segment once the current one is older than --rotate-age', () => {
    offset = 0;
    const rec = recorder(1 << 20, 60_000);
    rec.write(out(Buffer.from('(XEN) one\r\n')));
    now += 61_000;
    rec.write(out(Buffer.from('(XEN) two\r\n')));
    rec.close();
    expect(segments('raw').map((r) => readFileSync(join(dir, r), 'utf8'))).toEqual([
      '(XEN) one\r\n',
      '(XEN) two\r\n',
    ]);
  });

  it('removes its own segments older than --keep, and nothing else', () => {
    offset = 0;
    const old = '20200101T000000.000Z-000001';
    for (const f of [`${old}.raw`, `${old}.cast`, 'notes.txt']) {
      writeFileSync(join(dir, f), 'old');
      utimesSync(join(dir, f), new Date('2020-01-02'), new Date('2020-01-02'));
    }
    const rec = recorder(1 << 20, Infinity, 14 * 86_400_000);
    rec.write(out(Buffer.from('(XEN) hello\r\n')));
    rec.close();
    const left = readdirSync(dir);
    expect(left).toContain('notes.txt');
    expect(left.filter((f) => f.startsWith('2020'))).toEqual([]);
    expect(segments('raw')).toHaveLength(1);
  });
});
