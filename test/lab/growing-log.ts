// Waits for patterns in a file another process is still writing: QEMU's chardev logfile, which
// records every byte the guest sends whether or not a client is connected.
import { closeSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';

/** Where a pattern matched, as byte offsets into the file (pass `end` as the next `from`). */
export interface LogMatch {
  start: number;
  end: number;
  text: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Byte offset to search from, e.g. `lab.log().length` taken before typing a command. */
  from?: number;
}

interface Waiter {
  pattern: RegExp | string;
  from: number;
  resolve(match: LogMatch): void;
  reject(error: Error): void;
}

export class GrowingLog {
  // latin1 maps each byte to one char, so string offsets are byte offsets.
  private text = '';
  private readonly fd: number;
  private readonly watcher: FSWatcher;
  private readonly backstop: NodeJS.Timeout;
  private batch: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<Waiter>();
  private endReason: string | undefined;
  private closed = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    this.watcher = watch(path, () => this.schedule()).unref();
    // inotify is the fast path; this covers filesystems where it stays silent.
    this.backstop = setInterval(() => this.schedule(), 1000).unref();
  }

  /** Resolves at the first match at or after `from`; rejects on timeout or when the writer ends. */
  waitFor(pattern: RegExp | string, { timeoutMs = 60_000, from = 0 }: WaitOptions = {}): Promise<LogMatch> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms ${this.describe(pattern, from)}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pattern,
        from,
        resolve(m) {
          clearTimeout(timer);
          resolve(m);
        },
        reject(e) {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
      this.check();
    });
  }

  /** The writer is gone: settle every waiter on what the file holds now, and any later ones at once. */
  end(reason: string): void {
    this.endReason ??= reason;
    this.check();
  }

  close(reason = 'the log was closed'): void {
    if (this.closed) return;
    this.end(reason);
    this.closed = true;
    clearTimeout(this.batch);
    clearInterval(this.backstop);
    this.watcher.close();
    closeSync(this.fd);
  }

  /** The last bytes, escaped, for error messages. */
  tail(chars = 800): string {
    return JSON.stringify(this.text.slice(-chars));
  }

  // QEMU writes the log a byte at a time; check once per burst, not once per byte.
  private schedule(): void {
    this.batch ??= setTimeout(() => {
      this.batch = undefined;
      this.check();
    }, 10);
  }

  private check(): void {
    this.readNew();
    for (const w of this.waiters) {
      const m = this.find(w.pattern, w.from);
      if (m || this.endReason !== undefined) this.waiters.delete(w);
      if (m) w.resolve(m);
      else if (this.endReason !== undefined)
        w.reject(new Error(`${this.endReason} ${this.describe(w.pattern, w.from)}`));
    }
  }

  private readNew(): void {
    if (this.closed) return;
    const buf = Buffer.alloc(64 * 1024);
    let n: number;
    while ((n = readSync(this.fd, buf, 0, buf.length, this.text.length)) > 0) {
      this.text += buf.toString('latin1', 0, n);
    }
  }

  private find(pattern: RegExp | string, from: number): LogMatch | undefined {
    if (typeof pattern === 'string') {
      const needle = Buffer.from(pattern, 'utf8').toString('latin1');
      const start = this.text.indexOf(needle, from);
      return start < 0 ? undefined : { start, end: start + needle.length, text: needle };
    }
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
    re.lastIndex = from;
    const m = re.exec(this.text);
    return m ? { start: m.index, end: m.index + m[0].length, text: m[0] } : undefined;
  }

  private describe(pattern: RegExp | string, from: number): string {
    const what = typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
    return `waiting for ${what} from byte ${from} of ${this.path}; it ends with ${this.tail()}`;
  }
}
