// One Xen serial console: joins a Transport to the line splitter, the input-target model, the
// input guard and the key catalog, and emits one SessionEvent stream for every sink (recorders,
// TUI, tests). No I/O of its own: bytes come from the transport, time from the Clock.

import type { Clock } from '../core/clock.js';
import { DisposableStore, Emitter, firstOf, type Disposable } from '../core/emitter.js';
import { lostError } from './lost.js';
import { waitForLine, type WaitForLineOptions } from './wait-line.js';
import type { SessionEvent } from '../core/session-event.js';
import type { CloseReason, Transport } from '../transports/transport.js';
import { formatMarker, type Marker } from '../record/markers.js';
import { DEFAULT_CONFIRM_WINDOW_MS, type Refusal, type XenConsoleOptions } from './console-options.js';
import { KeyCatalog } from './debug-keys.js';
import { HandlerHarvest } from './handler-harvest.js';
import { guardInput, type GuardVerdict, type InputOrigin } from './input-guard.js';
import {
  expirePending,
  initialInputState,
  isBootBanner,
  onBootBanner,
  onBytesSent,
  onReconnect,
  onSwitchMessage,
  parseSwitchMessage,
  switchCodeFor,
  targetLabel,
  type InputState,
} from './input-target.js';
import { MAX_CAPTURE_TEXT } from '../pipeline/capture.js';
import type { Line } from '../pipeline/line-splitter.js';
import { SessionFold, type CutCapture, type CutItem, type OpenCapture } from '../pipeline/session-fold.js';

export { DEFAULT_CONFIRM_WINDOW_MS, type Refusal, type XenConsoleOptions } from './console-options.js';

export class XenConsole implements Disposable {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly switchCode: number;
  readonly confirmWindowMs: number;
  readonly catalog = new KeyCatalog();
  /** Monotonic ms when the session started: every SessionEvent time is relative to it. */
  readonly startedAt: number;

  private state: InputState = initialInputState();
  /** The session's own events folded into lines and captures (the one cutter: pipeline/session-fold.ts). */
  private readonly fold: SessionFold;
  private rawOffset = 0;
  private lastOutputAt: number;
  /** An `h` the user typed at verified Xen, learned when its output goes quiet. */
  private readonly harvest: HandlerHarvest;
  /** Terminal replies held since input was last verified at a domain (reported as one marker). */
  private heldReplies = 0;
  private readonly recentLines: string[] = [];
  private readonly subscriptions = new DisposableStore();

  private readonly eventEmitter = new Emitter<SessionEvent>();
  private readonly lineEmitter = new Emitter<Line>();
  private readonly captureEmitter = new Emitter<CutCapture>();
  private readonly cutEmitter = new Emitter<CutItem>();
  private readonly stateEmitter = new Emitter<InputState>();
  private readonly refusalEmitter = new Emitter<Refusal>();
  private readonly closeEmitter = new Emitter<CloseReason>();
  private readonly connectionEmitter = new Emitter<boolean>();
  /** False while the line is down and being reopened. */
  private connected = true;
  /** Why the line ended for good, once it has (waits started after that fail at once). */
  private closed: CloseReason | null = null;
  /** Times the line dropped (and was being reopened): a key captured across one is incomplete. */
  drops = 0;
  /** Everything worth recording, in order. */
  readonly onEvent = this.eventEmitter.on;
  /** Each complete output line. */
  readonly onLine = this.lineEmitter.on;
  /** A key's capture, as soon as its end marker is written (cut from this session's own events). */
  readonly onCapture = this.captureEmitter.on;
  /** Plain lines and captures in the order a reader of the log meets them (what a report reads). */
  readonly onCut = this.cutEmitter.on;
  /** The input-target model changed. */
  readonly onState = this.stateEmitter.on;
  /** Input the guard held back. */
  readonly onRefusal = this.refusalEmitter.on;
  readonly onClose = this.closeEmitter.on;
  /** The line went down (false) or came back (true). */
  readonly onConnection = this.connectionEmitter.on;

  constructor(transport: Transport, options: XenConsoleOptions) {
    this.transport = transport;
    this.clock = options.clock;
    this.switchCode = switchCodeFor(options.conswitch ?? 'a');
    this.confirmWindowMs = options.confirmWindowMs ?? DEFAULT_CONFIRM_WINDOW_MS;
    this.harvest = new HandlerHarvest(
      this.clock,
      options.quietMs ?? 1_000,
      () => this.lastOutputAt,
      (handlers) => {
        this.catalog.learn(handlers);
        this.stateEmitter.fire(this.state);
      },
    );
    this.fold = new SessionFold(
      {
        line: (line) => this.onCompleteLine(line),
        capture: (capture, lines) => this.captureEmitter.fire({ capture, lines }),
        plain: (line) => this.cutEmitter.fire({ type: 'line', line }),
        ordered: (capture, lines) => this.cutEmitter.fire({ type: 'capture', capture, lines }),
      },
      { maxCaptureText: MAX_CAPTURE_TEXT },
    );
    this.startedAt = this.clock.now();
    this.lastOutputAt = this.startedAt;
    this.subscriptions.add(transport.onData((bytes) => this.receive(bytes)));
    this.subscriptions.add(
      transport.onClose((reason) => {
        this.closed = reason;
        this.closeEmitter.fire(reason);
      }),
    );
    this.subscriptions.add(
      transport.onNotice((notice) => {
        if (notice.type === 'reconnected') {
          this.setState(onReconnect(this.state));
          this.mark({ type: 'gap', reason: `reconnected (attempt ${notice.attempt})` });
          this.connected = true;
          this.connectionEmitter.fire(true);
        } else if (notice.type === 'reconnecting') {
          if (this.connected) {
            this.drops++;
            this.mark({ type: 'gap', reason: `connection lost: ${notice.reason}` });
          }
          this.connected = false;
          this.connectionEmitter.fire(false);
        } else {
          this.mark({ type: 'note', text: notice.message });
        }
      }),
    );
  }

  get input(): InputState {
    return this.state;
  }

  /** Seconds since the session started. */
  elapsed(at = this.clock.now()): number {
    return (at - this.startedAt) / 1000;
  }

  /** Total bytes received so far (the raw log's length). */
  get bytesReceived(): number {
    return this.rawOffset;
  }

  /** Monotonic ms of the last byte received. */
  get lastOutput(): number {
    return this.lastOutputAt;
  }

  /** The unfinished line (a shell prompt, say). */
  partialLine(): string {
    return this.fold.partialLine();
  }

  /** The key capture under way, as far as it has come (between its start and end markers). */
  get openCapture(): OpenCapture | null {
    return this.fold.open;
  }

  /** The session is over: its unfinished line and any open capture are cut (onLine, onCut). */
  finish(): void {
    this.fold.end(this.elapsed());
  }

  /** The last few lines and the unfinished one: what the console said lately (for error messages). */
  recentText(): string {
    return [...this.recentLines, this.fold.partialLine()].join('\n');
  }

  /**
   * Write bytes through the guard. Returns what the guard decided; refused bytes never reach the
   * wire. `confirmed` names dangerous keys the user explicitly confirmed for this write.
   */
  async send(bytes: Uint8Array, origin: InputOrigin, confirmed?: ReadonlySet<string>): Promise<GuardVerdict> {
    const now = this.clock.now();
    this.setState(expirePending(this.state, now, this.confirmWindowMs));
    const verdict = guardInput(bytes, origin, {
      target: this.state.target,
      switchCode: this.switchCode,
      isDangerous: (key) => this.catalog.danger(key) !== null,
      ...(confirmed ? { confirmed } : {}),
    });
    if (verdict.refusal) {
      if (verdict.refusal.reason === 'terminal-reply' && this.heldReplies++ === 0) {
        this.mark({ type: 'note', text: `terminal reply held: input is ${targetLabel(this.state.target)}` });
      }
      this.refusalEmitter.fire({ origin, ...verdict.refusal });
    }
    if (verdict.allowed.length === 0) return verdict;
    const atXen = this.state.target === 'xen';
    // Count before writing: Xen may answer before write() resolves.
    this.setState(onBytesSent(this.state, verdict.allowed, this.switchCode, now));
    this.eventEmitter.fire({ type: 'input', t: this.elapsed(), bytes: verdict.allowed });
    // An `h` typed by hand at verified Xen teaches the key list too (automation learns its own).
    if (atXen && origin === 'keyboard' && verdict.allowed.length === 1 && verdict.allowed[0] === 0x68) {
      this.harvest.start();
    }
    await this.transport.write(verdict.allowed);
    return verdict;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Resolve once the line is up (at once if it is); reject if it is given up for good, or on abort. */
  whenConnected(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(lostError(this.closed, 'the line to come back'));
    if (this.connected) return Promise.resolve();
    return firstOf(
      (resolve, reject) => [
        this.onConnection((up) => up && resolve()),
        this.onClose((reason) => reject(lostError(reason, 'the line to come back'))),
      ],
      signal,
    );
  }

  /** Switch triples Xen did not answer in time stop being "pending": the target is unverified. */
  expireSwitches(): void {
    this.setState(expirePending(this.state, this.clock.now(), this.confirmWindowMs));
  }

  /** Send Xen's switch: the three switch bytes in one write, so nothing lands between them. */
  async sendSwitch(): Promise<void> {
    this.mark({ type: 'switch-request', to: null });
    const triple = new Uint8Array([this.switchCode, this.switchCode, this.switchCode]);
    await this.send(triple, 'switch');
  }

  mark(marker: Marker): void {
    const t = this.elapsed();
    const label = formatMarker(marker);
    this.eventEmitter.fire({ type: 'marker', t, label });
    this.fold.marker(label, t);
  }

  /** Resolve with the first line (from now on) that matches; reject on timeout, abort or close. */
  waitForLine(match: (line: Line) => boolean, options: WaitForLineOptions): Promise<Line> {
    return waitForLine(this, this.closed, match, options);
  }

  dispose(): void {
    this.harvest.stop();
    this.subscriptions.dispose();
  }

  private receive(bytes: Uint8Array): void {
    const now = this.clock.now();
    const t = this.elapsed(now);
    const offset = this.rawOffset;
    this.rawOffset += bytes.length;
    this.lastOutputAt = now;
    this.eventEmitter.fire({ type: 'output', t, bytes, offset });
    this.fold.output(bytes, t);
  }

  private onCompleteLine(line: Line): void {
    if (isBootBanner(line.text)) this.setState(onBootBanner(this.state));
    const message = parseSwitchMessage(line.text);
    if (message) {
      const step = onSwitchMessage(this.state, message, this.clock.now(), this.confirmWindowMs);
      this.setState(step.state);
      if (step.verdict === 'unverified')
        this.mark({ type: 'note', text: step.reason ?? 'unverified switch message' });
      else this.mark({ type: 'input', target: message.target });
    }
    this.harvest.line(line.text);
    this.recentLines.push(line.text.slice(0, 200));
    if (this.recentLines.length > 8) this.recentLines.shift();
    this.lineEmitter.fire(line);
  }

  private setState(next: InputState): void {
    if (next === this.state) return;
    this.state = next;
    if (next.target.startsWith('dom') && this.heldReplies > 0) {
      this.mark({
        type: 'note',
        text: `terminal replies held while input was not verified: ${this.heldReplies}`,
      });
      this.heldReplies = 0;
    }
    this.stateEmitter.fire(next);
  }
}
