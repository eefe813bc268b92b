// Drives the real TUI (`node bin/xenkeys …`, built) in a pseudo-terminal and reads its screen the
// way a user sees it: pty output feeds a headless xterm, which also answers the TUI's terminal
// queries. Waits are for screen content, checked after each of xterm's write callbacks.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import type { Terminal } from '@xterm/headless';
import * as pty from 'node-pty';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/xenkeys');

export interface DriverOptions {
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export class TuiDriver {
  readonly term: Terminal;
  private readonly child: pty.IPty;
  private waiters: { check: () => boolean }[] = [];
  private exitInfo: { exitCode: number; signal?: number } | null = null;
  private readonly exited: Promise<{ exitCode: number; signal?: number }>;
  /** Everything the TUI wrote, for failure messages. */
  raw = '';

  private constructor(args: readonly string[], options: DriverOptions) {
    if (!existsSync(join(ROOT, 'dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
    const cols = options.cols ?? 100;
    const rows = options.rows ?? 30;
    this.term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.child = pty.spawn(process.execPath, [BIN, ...args], {
      cols,
      rows,
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...options.env } as Record<
        string,
        string
      >,
    });
    this.child.onData((data) => {
      this.raw = (this.raw + data).slice(-200_000);
      this.term.write(data, () => this.check());
    });
    // A real terminal answers queries (cursor position, device attributes): so does this one.
    this.term.onData((reply) => this.exitInfo === null && this.child.write(reply));
    this.exited = new Promise((resolve) =>
      this.child.onExit((info) => {
        this.exitInfo = info;
        // Let xterm parse what is in flight before anyone reads the final screen.
        this.term.write('', () => {
          this.check();
          resolve(info);
        });
      }),
    );
  }

  static spawn(args: readonly string[], options: DriverOptions = {}): TuiDriver {
    return new TuiDriver(args, options);
  }

  get pid(): number {
    return this.child.pid;
  }

  /** The screen as text, one line per row, trailing spaces trimmed. */
  screenText(): string {
    const buffer = this.term.buffer.active;
    const rows: string[] = [];
    for (let y = 0; y < this.term.rows; y++)
      rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return rows.join('\n');
  }

  /** The last row: the status line. */
  statusLine(): string {
    return this.screenText().split('\n').at(-1) ?? '';
  }

  /** Resolves with the screen once it matches; rejects with the screen after `timeoutMs`. */
  waitForScreen(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return this.waitUntil(
      () => pattern.test(this.screenText()),
      `screen to match ${pattern}`,
      timeoutMs,
    ).then(() => this.screenText());
  }

  /** Waits until the status line matches. */
  waitForStatus(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return this.waitUntil(
      () => pattern.test(this.statusLine()),
      `status line to match ${pattern}`,
      timeoutMs,
    ).then(() => this.statusLine());
  }

  press(bytes: string | Uint8Array): void {
    this.child.write(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1'));
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
    this.child.resize(cols, rows);
  }

  waitForExit(timeoutMs = 15_000): Promise<{ exitCode: number; signal?: number }> {
    return this.waitUntil(() => this.exitInfo !== null, 'the TUI to exit', timeoutMs).then(() => this.exited);
  }

  kill(): void {
    if (this.exitInfo === null) this.child.kill('SIGKILL');
  }

  private waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // Check once the writes already queued are parsed, never on a half-parsed buffer.
      const waiter = {
        check: (): boolean => {
          if (!done()) return false;
          clearTimeout(timer);
          resolve();
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${this.screenText()}`),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
      this.term.write('', () => this.check());
    });
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => !w.check());
  }
}
