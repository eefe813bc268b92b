// One console's recording as a series of segments: a lossless raw log and an asciicast beside it,
// ending by size and age (`--rotate`, `--rotate-age`), the old ones removed after `--keep`. Every
// write is a writeSync (record/raw-log.ts, record/cast-writer.ts), so the open segment survives
// kill -9; every closed segment is a complete file. Raw segments joined in name order are exactly the
// bytes received. A boundary never splits a character in the cast, and waits for a key's output to
// end unless the segment is far past its size (then both sides say so in a marker).

import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { SessionEvent } from '../core/session-event.js';
import { CastWriter } from '../record/cast-writer.js';
import { formatMarker, parseMarker } from '../record/markers.js';
import { RawLogWriter } from '../record/raw-log.js';
import { isXenkeysError } from '../core/errors.js';
import { incompleteTail, splitPoint } from './segment-split.js';

export interface SegmentPolicy {
  /** A segment ends at the first line boundary past this many bytes. */
  maxBytes: number;
  /** …or once it is this old (checked as output arrives). */
  maxAgeMs: number;
  /** Segments whose last write is older than this are removed (0: keep everything). */
  keepMs: number;
}

export interface SegmentRecorderOptions extends SegmentPolicy {
  dir: string;
  title: string;
  clock: Clock;
  /** A write failed (a full disk): the recorder stops writing and counts what it could not store. */
  onFailure?: (error: unknown) => void;
}

const SEGMENT_NAME = /^\d{8}T\d{6}\.\d{3}Z-\d{6}(?:-\d+)?\.(raw|cast)$/;

export class SegmentRecorder {
  private raw: RawLogWriter | null = null;
  private cast: CastWriter | null = null;
  private stem = '';
  private openedAt = 0;
  private t0 = 0;
  private bytes = 0;
  private index = 0;
  private streamOffset = 0;
  private openKey: string | null = null;
  private previousIncomplete = false;
  private failed = false;
  private started = false;
  private atLineStart = true;
  /** Bytes received that could not be stored after a failed write. */
  unstoredBytes = 0;

  constructor(private readonly options: SegmentRecorderOptions) {}

  /** The open segment's raw and cast paths (null before the first event). */
  get current(): { raw: string; cast: string } | null {
    return this.raw && this.cast ? { raw: this.raw.path, cast: this.cast.path } : null;
  }

  get segments(): number {
    return this.index;
  }

  write(event: SessionEvent): void {
    if (this.failed) {
      if (event.type === 'output') this.unstoredBytes += event.bytes.length;
      return;
    }
    try {
      if (!this.started && event.type === 'output') this.streamOffset = event.offset;
      this.started = true;
      if (!this.raw) this.open(event.t);
      if (event.type === 'output') return this.output(event.bytes, event.t);
      if (event.type === 'marker') this.trackKey(event.label);
      this.cast?.write({ ...event, t: event.t - this.t0 });
    } catch (error) {
      this.failed = true;
      if (event.type === 'output') this.unstoredBytes += event.bytes.length;
      this.options.onFailure?.(error);
    }
  }

  close(): void {
    this.cast?.close();
    this.raw?.close();
    this.cast = null;
    this.raw = null;
  }

  private output(bytes: Uint8Array, t: number): void {
    let rest = bytes;
    for (;;) {
      const { maxBytes, maxAgeMs } = this.options;
      const due = this.bytes >= maxBytes || this.options.clock.now() - this.openedAt >= maxAgeMs;
      const split = splitPoint(rest, {
        due,
        force: this.bytes >= 2 * maxBytes,
        keyOpen: this.openKey !== null,
        previousIncomplete: this.previousIncomplete,
        atLineStart: this.atLineStart,
      });
      if (!split) return this.append(rest, t);
      if (split.at > 0) this.append(rest.subarray(0, split.at), t);
      this.rotate(t, split.lineEnd);
      if (split.at >= rest.length) return;
      rest = rest.subarray(split.at);
    }
  }

  private append(bytes: Uint8Array, t: number): void {
    this.raw!.writeBytes(bytes);
    this.cast!.write({ type: 'output', t: t - this.t0, bytes, offset: this.streamOffset });
    this.streamOffset += bytes.length;
    this.bytes += bytes.length;
    this.previousIncomplete = incompleteTail(bytes) > 0;
    this.atLineStart = bytes[bytes.length - 1] === 0x0a;
  }

  private rotate(t: number, lineEnd: boolean): void {
    const where = [
      this.openKey !== null ? `inside key '${this.openKey}' output` : '',
      lineEnd ? '' : 'mid-line',
    ];
    this.open(t, where.filter(Boolean).join(', '));
  }

  private note(text: string, t: number): void {
    const label = formatMarker({ type: 'note', text });
    this.cast?.write({ type: 'marker', t: Math.max(0, t - this.t0), label });
  }

  /** Opens the next segment, closing the current one; `inside` says what the boundary cut through. */
  private open(t: number, inside = ''): void {
    const { dir, clock } = this.options;
    const wall = clock.wallNow();
    const { stem, raw } = this.newRaw(wall);
    const previous = this.stem === '' ? null : this.stem;
    if (this.raw && inside) this.note(`segment continues in ${stem} (${inside})`, t);
    this.close();
    this.raw = raw;
    this.stem = stem;
    this.index++;
    this.cast = CastWriter.open(
      path.join(dir, `${stem}.cast`),
      {
        version: 2,
        width: 80,
        height: 24,
        timestamp: Math.floor(wall / 1000),
        title: this.options.title,
        env: { TERM: 'xterm-256color' },
        xenkeys_segment: { index: this.index, stream_offset: this.streamOffset, previous },
      },
      { coalesceMs: 10 },
    );
    this.openedAt = clock.now();
    this.t0 = t;
    this.bytes = 0;
    if (inside && previous) this.note(`continued from ${previous} (${inside})`, t);
    this.prune();
  }

  /** A new raw file named after the segment's start (UTC) and number, so names sort in stream order. */
  private newRaw(wall: number): { stem: string; raw: RawLogWriter } {
    const base = `${new Date(wall).toISOString().replace(/[-:]/g, '')}-${String(this.index + 1).padStart(6, '0')}`;
    for (let n = 1; ; n++) {
      const stem = n === 1 ? base : `${base}-${n}`;
      try {
        return { stem, raw: RawLogWriter.open(path.join(this.options.dir, `${stem}.raw`)) };
      } catch (error) {
        if (!isXenkeysError(error, 'write-failed') || n >= 100) throw error;
      }
    }
  }

  private trackKey(label: string): void {
    const m = parseMarker(label);
    if (m.type === 'key-start') this.openKey = m.key;
    else if (m.type === 'key-end') this.openKey = null;
  }

  /** Removes our own segments whose last write is older than --keep (never the open one). */
  private prune(): void {
    const { keepMs, dir, clock } = this.options;
    if (keepMs <= 0) return;
    const cutoff = clock.wallNow() - keepMs;
    for (const name of readdirSync(dir)) {
      const m = SEGMENT_NAME.exec(name);
      if (!m || name.slice(0, name.lastIndexOf('.')) === this.stem) continue;
      const file = path.join(dir, name);
      try {
        const st = lstatSync(file);
        if (st.isFile() && st.mtimeMs < cutoff) unlinkSync(file);
      } catch {
        // Gone already, or not ours to judge.
      }
    }
  }
}
