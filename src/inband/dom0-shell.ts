// A shell on dom0, driven through any Transport (SSH, a spawned command, the serial console's dom0
// prompt): type a command, and get back exactly its output, found between sentinel lines
// (frame.ts), never by prompt text. Every received byte goes out as a session event, in order, with
// markers placed at the exact byte where a command's output begins and ends.

import type { Clock, TimerHandle } from '../core/clock.js';
import { Emitter, type Disposable } from '../core/emitter.js';
import { XenkeysError } from '../core/errors.js';
import type { SessionEvent } from '../core/session-event.js';
import { LineSplitter } from '../pipeline/line-splitter.js';
import { formatMarker, type Marker } from '../record/markers.js';
import type { Transport } from '../transports/transport.js';
import { FrameScanner, framedLine, probeLine, setupLine, type FrameSegment } from './frame.js';
import { checkProbe, PROBE_COMMAND } from './shell-checks.js';

/** A command's output as the frame cut it. */
export interface FramedOutput {
  status: number;
  /** Complete lines, escapes and line endings removed; at most `maxTextChars` characters kept. */
  lines: string[];
  lineCount: number;
  truncated: boolean;
  /** Raw-log byte range of the output (between the frame lines). */
  rawStart: number;
  rawEnd: number;
  /** Session seconds: output began (the begin line ended), first output byte, output ended. */
  begin: number;
  firstOutput: number | null;
  end: number;
}

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called at the exact point the output begins / ends (for markers). */
  onBegin?: () => void;
  onEnd?: (output: FramedOutput) => void;
  maxTextChars?: number;
}

export interface Dom0ShellOptions {
  clock: Clock;
  /** Letters and digits, 8+: in every frame line, so console text cannot forge one. */
  nonce: string;
  /** Digits 1-9 for the first, harmless probe line. */
  probeDigits: string;
}

interface Waiter {
  seq: number;
  begin: number | null;
  firstOutput: number | null;
  rawStart: number;
  splitter: LineSplitter;
  lines: string[];
  lineCount: number;
  kept: number;
  max: number;
  options: RunOptions;
  resolve: (o: FramedOutput) => void;
}

export class Dom0Shell {
  private readonly eventEmitter = new Emitter<SessionEvent>();
  readonly onEvent = this.eventEmitter.on;
  private readonly scanner: FrameScanner;
  private readonly start: number;
  private received = 0;
  private seq = 0;
  private waiter: Waiter | null = null;
  /** Text since the last unframed send, for the probe (bounded). */
  private recent = '';
  private readonly recentEmitter = new Emitter<string>();
  private readonly subs: Disposable[];

  constructor(
    private readonly transport: Transport,
    private readonly options: Dom0ShellOptions,
  ) {
    this.scanner = new FrameScanner(options.nonce);
    this.start = options.clock.now();
    this.subs = [transport.onData((bytes) => this.receive(bytes))];
  }

  elapsed(): number {
    return (this.options.clock.now() - this.start) / 1000;
  }

  get bytesReceived(): number {
    return this.received;
  }

  mark(marker: Marker): void {
    this.eventEmitter.fire({ type: 'marker', t: this.elapsed(), label: formatMarker(marker) });
  }

  /** Type one line (sent as one write, ended with \n). */
  async type(line: string): Promise<void> {
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    this.eventEmitter.fire({ type: 'input', t: this.elapsed(), bytes });
    await this.transport.write(bytes);
  }

  /**
   * Finds the shell: a harmless probe line first (safe even if it reaches Xen as debug keys), then
   * `_xk` for the frames, then `id -u` and `command -v xl`.
   */
  async begin(timeoutMs: number, signal?: AbortSignal): Promise<{ uid: number | null; xl: string }> {
    const probe = probeLine(this.options.probeDigits);
    this.recent = '';
    await this.type('');
    await this.type(probe.line);
    await this.waitForText(probe.answer, timeoutMs, signal);
    await this.type(setupLine(this.options.nonce));
    const out = await this.run(PROBE_COMMAND, { timeoutMs, ...(signal ? { signal } : {}) }).catch(
      (error: unknown) => {
        if (!(error instanceof XenkeysError && error.code === 'key-timeout')) throw error;
        // A shell answered the probe but did not run the frame function: not a POSIX shell.
        const seconds = Math.round(timeoutMs / 1000);
        throw new XenkeysError(
          'connect-failed',
          `the shell on dom0 answered, but not as a POSIX shell (no framed answer within ${seconds} s)`,
          {
            hint:
              'In-band capture types sh syntax: start sh first (e.g. --spawn "ssh -t root@dom0 sh"); ' +
              'on a very slow dom0, raise --first-output-timeout.',
          },
        );
      },
    );
    return checkProbe(out.lines);
  }

  /** Runs one command in a frame and resolves with its output once its end line arrives. */
  async run(command: string, options: RunOptions): Promise<FramedOutput> {
    if (this.waiter) throw new Error('one framed command at a time');
    const seq = ++this.seq;
    this.scanner.expect(seq);
    const result = new Promise<FramedOutput>((resolve) => {
      const waiter: Waiter = {
        seq,
        begin: null,
        firstOutput: null,
        rawStart: this.received,
        splitter: new LineSplitter((line) => this.keep(waiter, line.text)),
        lines: [],
        lineCount: 0,
        kept: 0,
        max: options.maxTextChars ?? Number.MAX_SAFE_INTEGER,
        options,
        resolve,
      };
      this.waiter = waiter;
    });
    try {
      await this.type(framedLine(seq, command));
      return await this.guard(result, options.timeoutMs, `\`${command}\` to finish`, options.signal);
    } finally {
      this.waiter = null;
      this.scanner.cancel();
    }
  }

  /** Release whatever the scanner holds (at the end of the session). */
  flush(): void {
    this.emitSegments(this.scanner.flush());
  }

  dispose(): void {
    this.flush();
    for (const s of this.subs) s.dispose();
  }

  private receive(bytes: Uint8Array): void {
    if (!this.scanner.waiting) {
      this.recent = (this.recent + Buffer.from(bytes).toString('latin1')).slice(-65_536);
      this.recentEmitter.fire(this.recent);
    }
    this.emitSegments(this.scanner.push(bytes));
  }

  private emitSegments(segments: FrameSegment[]): void {
    const w = this.waiter;
    for (const s of segments) {
      const t = this.elapsed();
      if (s.kind === 'bytes') {
        const offset = this.received;
        this.received += s.bytes.length;
        this.eventEmitter.fire({ type: 'output', t, bytes: Uint8Array.from(s.bytes), offset });
        if (w && s.part === 'body') {
          w.firstOutput ??= t;
          w.splitter.push(s.bytes, t);
        }
      } else if (s.kind === 'begin' && w) {
        w.begin = t;
        w.rawStart = this.received;
        w.options.onBegin?.();
      } else if (s.kind === 'end' && w) {
        w.splitter.end(t);
        const output: FramedOutput = {
          status: s.status,
          lines: w.lines,
          lineCount: w.lineCount,
          truncated: w.lineCount > w.lines.length,
          rawStart: w.rawStart,
          rawEnd: this.received,
          begin: w.begin ?? t,
          firstOutput: w.firstOutput,
          end: t,
        };
        w.options.onEnd?.(output);
        w.resolve(output);
      }
    }
  }

  private keep(w: Waiter, text: string): void {
    w.lineCount++;
    if (w.kept >= w.max) return;
    w.lines.push(text);
    w.kept += text.length + 1;
  }

  private waitForText(needle: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    let sub: Disposable | undefined;
    const found = new Promise<void>((resolve) => {
      if (this.recent.includes(needle)) return resolve();
      sub = this.recentEmitter.on((text) => {
        if (text.includes(needle)) resolve();
      });
    });
    return this.guard(found, timeoutMs, 'a shell to answer', signal).finally(() => sub?.dispose());
  }

  /** `work`, unless the time runs out, the line drops or the user stops first. */
  private guard<T>(work: Promise<T>, timeoutMs: number, what: string, signal?: AbortSignal): Promise<T> {
    let timer: TimerHandle | undefined;
    const subs: Disposable[] = [];
    const stop = new Promise<never>((_, reject) => {
      timer = this.options.clock.setTimeout(() => reject(this.timeoutError(what, timeoutMs)), timeoutMs);
      subs.push(
        this.transport.onClose((reason) =>
          reject(new XenkeysError('transport-lost', `the dom0 shell went away: ${reason.message}`)),
        ),
      );
      if (signal) {
        if (signal.aborted) reject(signal.reason);
        const onAbort = (): void => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        subs.push({ dispose: () => signal.removeEventListener('abort', onAbort) });
      }
    });
    return Promise.race([work, stop]).finally(() => {
      timer?.cancel();
      for (const s of subs) s.dispose();
    });
  }

  private timeoutError(what: string, ms: number): XenkeysError {
    const atXen = /\(XEN\) '.' pressed|\(XEN\) .*key '.' \(ascii/.test(this.recent);
    const seconds = Math.round(ms / 1000);
    if (what === 'a shell to answer') {
      return new XenkeysError('connect-failed', `no dom0 shell answered within ${seconds} s`, {
        hint: atXen
          ? 'The console input is at Xen, not dom0: press Ctrl-A three times to give it to dom0, then try again.'
          : 'In-band capture needs a logged-in shell prompt on dom0 (sh, bash or ash); on a serial console, ' +
            'input may be at Xen: press Ctrl-A three times to give it to dom0.',
      });
    }
    return new XenkeysError(
      'key-timeout',
      `the dom0 shell did not finish within ${seconds} s: waited for ${what}`,
      {
        hint: 'Raise --cap (a huge dump over a slow line takes long), or check dom0 by hand.',
      },
    );
  }
}
