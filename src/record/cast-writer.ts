// Writes a session to an asciicast v2 file as it happens. Every event is one writeSync of one
// line, with no userland buffer, so a process killed with SIGKILL leaves a readable file up to the
// last event (the reader drops at most one torn last line). Format details live in asciicast.ts.

import { closeSync } from 'node:fs';
import type { SessionEvent } from '../core/session-event.js';
import { encodeEvent, encodeHeader, type CastHeader } from './asciicast.js';
import { createNewFile, writeAllSync } from './safe-files.js';
import { Utf8Stream } from './utf8-stream.js';

export interface CastWriterOptions {
  /** Record keystrokes as 'i' events. Off by default: keystrokes can be passwords. */
  recordInput?: boolean;
  /**
   * Merge output arriving within this many ms of a pending chunk into one event (0: never).
   * Xen's synchronous console (key 'd') sends one byte per write; without merging that is one
   * event per byte. Pending output is flushed by a timer, so a kill -9 loses at most this much
   * of the cast — never of the raw log.
   */
  coalesceMs?: number;
  /** A write from the coalescing timer failed (a full disk): no caller is on the stack to throw to. */
  onTimerError?: (error: unknown) => void;
}

export class CastWriter {
  private fd: number | null;
  private lastTime = 0;
  private readonly output = new Utf8Stream();
  private readonly input = new Utf8Stream();
  private readonly recordInput: boolean;
  private readonly coalesceS: number;
  private readonly onTimerError: ((error: unknown) => void) | undefined;
  private pending: { time: number; data: string } | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    readonly path: string,
    fd: number,
    options: CastWriterOptions,
  ) {
    this.fd = fd;
    this.recordInput = options.recordInput ?? false;
    this.coalesceS = (options.coalesceMs ?? 0) / 1000;
    this.onTimerError = options.onTimerError;
  }

  /** Creates `path` as a new 0600 file (never an existing file, never through a link), header first. */
  static open(path: string, header: CastHeader, options: CastWriterOptions = {}): CastWriter {
    const fd = createNewFile(path);
    const writer = new CastWriter(path, fd, options);
    writer.append(encodeHeader(header));
    return writer;
  }

  /** Appends one event. Events after close() are ignored (sinks may hear late events at shutdown). */
  write(event: SessionEvent): void {
    if (this.fd === null) return;
    // Times in the file never go backwards, whatever the caller's clock did.
    const time = Number.isFinite(event.t) ? Math.max(this.lastTime, event.t) : this.lastTime;
    this.lastTime = time;
    switch (event.type) {
      case 'output':
        return this.outputText(time, this.output.decode(event.bytes));
      case 'input':
        this.flushPending();
        if (this.recordInput) this.text(time, 'i', this.input.decode(event.bytes));
        return;
      case 'marker':
        this.flushPending();
        return this.text(time, 'm', event.label);
      case 'resize':
        this.flushPending();
        return this.text(time, 'r', `${event.cols}x${event.rows}`);
    }
  }

  /** Writes any partial character still held (as U+FFFD) and closes the file. Idempotent. */
  close(): void {
    if (this.fd === null) return;
    this.flushPending();
    this.text(this.lastTime, 'o', this.output.flush());
    if (this.recordInput) this.text(this.lastTime, 'i', this.input.flush());
    closeSync(this.fd);
    this.fd = null;
  }

  private outputText(time: number, data: string): void {
    if (this.coalesceS <= 0) return this.text(time, 'o', data);
    if (data === '') return;
    if (this.pending && time - this.pending.time <= this.coalesceS) {
      this.pending.data += data;
      return;
    }
    this.flushPending();
    this.pending = { time, data };
    this.flushTimer = setTimeout(() => {
      try {
        this.flushPending();
      } catch (error) {
        if (!this.onTimerError) throw error;
        this.onTimerError(error);
      }
    }, this.coalesceS * 1000);
    this.flushTimer.unref?.();
  }

  private flushPending(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const pending = this.pending;
    this.pending = null;
    if (pending) this.text(pending.time, 'o', pending.data);
  }

  private text(time: number, code: string, data: string): void {
    // An output chunk that ended mid-character may decode to nothing yet.
    if (data === '' && (code === 'o' || code === 'i')) return;
    this.append(encodeEvent({ time, code, data }));
  }

  private append(line: string): void {
    if (this.fd === null) return;
    writeAllSync(this.fd, Buffer.from(line, 'utf8'));
  }
}
