// readRecording / recordingFromText: casts of every version and raw logs come back as the same
// SessionEvents the live session emitted, told apart by content, with running output offsets.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session-event.js';
import { CastFormatError, encodeHeader, type CastHeader } from '../../src/record/asciicast.js';
import { CastWriter } from '../../src/record/cast-writer.js';
import { RawLogWriter } from '../../src/record/raw-log.js';
import { readRecording, recordingFromText } from '../../src/record/session-reader.js';

const header: CastHeader = { version: 2, width: 80, height: 24 };
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const session: SessionEvent[] = [
  { type: 'output', t: 0.1, bytes: utf8('(XEN) boot\r\n'), offset: 0 },
  { type: 'marker', t: 0.2, label: 'key q: dump' },
  { type: 'input', t: 0.2, bytes: utf8('q') },
  { type: 'output', t: 0.3, bytes: utf8('(XEN) ünïcode\r\n'), offset: 12 },
  { type: 'resize', t: 0.4, cols: 100, rows: 30 },
  { type: 'output', t: 0.5, bytes: utf8('done'), offset: 12 + utf8('(XEN) ünïcode\r\n').length },
];

describe('readRecording', () => {
  it('reads back what CastWriter wrote as the same session events', async () => {
    const path = join(dir, 's.cast');
    const writer = CastWriter.open(path, header, { recordInput: true });
    for (const event of session) writer.write(event);
    writer.close();
    const recording = await readRecording(path);
    expect(recording).toEqual({ kind: 'cast', header, events: session, warnings: [] });
  });

  it('reads a raw log (any bytes) as one output event at t=0', async () => {
    const path = join(dir, 's.raw');
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const writer = RawLogWriter.open(path);
    writer.writeBytes(bytes);
    writer.close();
    expect(await readRecording(path)).toEqual({
      kind: 'raw',
      header: null,
      events: [{ type: 'output', t: 0, bytes, offset: 0 }],
      warnings: [],
    });
  });

  it('detects by content, not by name, and reads an empty file as an empty raw log', async () => {
    const plain = join(dir, 'looks-like.cast');
    writeFileSync(plain, '(XEN) Xen version 4.19\n');
    expect((await readRecording(plain)).kind).toBe('raw');
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect((await readRecording(empty)).events).toEqual([]);
  });

  it('streams a long cast and keeps offsets running across events', async () => {
    const path = join(dir, 'long.cast');
    const writer = CastWriter.open(path, header);
    for (let i = 0; i < 5000; i += 1)
      writer.write({ type: 'output', t: i / 1000, bytes: utf8(`€${i}\n`), offset: 0 });
    writer.close();
    const { events } = await readRecording(path);
    expect(events).toHaveLength(5000);
    let offset = 0;
    for (const event of events) {
      if (event.type !== 'output') throw new Error('expected output');
      expect(event.offset).toBe(offset);
      offset += event.bytes.length;
    }
  });

  it('names the file and line of a broken cast', async () => {
    const path = join(dir, 'broken.cast');
    writeFileSync(path, `${encodeHeader(header)}[0.1, "o", "a"]\nnot json\n[0.2, "o", "b"]\n`);
    const error = await readRecording(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CastFormatError);
    expect((error as CastFormatError).line).toBe(3);
    expect((error as CastFormatError).message).toMatch(/^broken\.cast line 3:/);
  });
});

describe('recordingFromText', () => {
  it('converts v3 and v1 casts to absolute-time session events', () => {
    const v3 =
      '{"version": 3, "term": {"cols": 90, "rows": 20}}\n[0.5, "o", "a"]\n[0.5, "m", "gap"]\n[1, "x", "0"]\n';
    expect(recordingFromText(v3, 'v3.cast')).toEqual({
      kind: 'cast',
      header: { version: 2, width: 90, height: 20 },
      events: [
        { type: 'output', t: 0.5, bytes: utf8('a'), offset: 0 },
        { type: 'marker', t: 1, label: 'gap' },
      ],
      warnings: [],
    });
    const v1 = JSON.stringify({
      version: 1,
      width: 80,
      height: 24,
      stdout: [
        [0.25, 'ab'],
        [0.25, 'c'],
      ],
    });
    expect(recordingFromText(v1, 'v1.json').events).toEqual([
      { type: 'output', t: 0.25, bytes: utf8('ab'), offset: 0 },
      { type: 'output', t: 0.5, bytes: utf8('c'), offset: 2 },
    ]);
  });

  it('skips events it has no session event for, with a warning', () => {
    const text = `${encodeHeader(header)}[0.1, "r", "wide"]\n[0.2, "q", "?"]\n[0.3, "q", "?"]\n`;
    const recording = recordingFromText(text, 'odd.cast');
    expect(recording.events).toEqual([]);
    expect(recording.warnings.map((w) => w.message)).toEqual([
      'skipped 1 event(s) with code "r (malformed size)"',
      'skipped 2 event(s) with code "q"',
    ]);
  });

  it('treats plain text as a raw log', () => {
    expect(recordingFromText('(XEN) hi\n', 'log.txt')).toEqual({
      kind: 'raw',
      header: null,
      events: [{ type: 'output', t: 0, bytes: utf8('(XEN) hi\n'), offset: 0 }],
      warnings: [],
    });
  });
});
