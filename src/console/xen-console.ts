// One Xen serial console: joins a Transport to the line splitter, the input-target model, the
// input guard and the key catalog, and emits one SessionEvent stream for every sink (recorders,
// TUI, tests). No I/O of its own: bytes come from the transport, time from the Clock.

import type { Clock } from '../core/clock.js';
import { DisposableStore, Emitter, type Disposable } from '../core/emitter.js';
import { XenkeysError, type ErrorCode } from '../core/errors.js';
import type { SessionEvent } from '../core/session-event.js';
import { parseHandlerLine, type Handler } from '../parse/handlers.js';
import type { CloseReason, Transport } from '../transports/transport.js';
import { formatMarker, type Marker } from '../record/markers.js';
import { KeyCatalog } from './debug-keys.js';
import { guardInput, type GuardVerdict, type InputOrigin } from './input-guard.js';
import {
  initialInputState,
  onBytesSent,
  onReconnect,
  onSwitchMessage,
  parseSwitchMessage,
  switchCodeFor,
  type InputState,
} from './input-target.js';
import { LineSplitter, type Line } from './line-splitter.js';

export interface XenConsoleOptions {
  clock: Clock;
  /** Xen's `conswitch=` letter; 'a' means CTRL-A. */
  conswitch?: string;
}

export interface Refusal {
  origin: InputOrigin;
  reason: string;
  detail: string;
}

export class XenConsole implements Disposable {
  readonly transport: Transport;
  readonly clock: Clock;
  readonly switchCode: number;
  readonly catalog = new KeyCatalog();
  /** Monotonic ms when the session started: every SessionEvent time is relative to it. */
  readonly startedAt: number;

  private state: InputState = initialInputState();
  private splitter = new LineSplitter();
  private rawOffset = 0;
  private lastOutputAt: number;
  private handlerHarvest: Handler[] | null = null;
  private readonly subscriptions = new DisposableStore();

  private readonly eventEmitter = new Emitter<SessionEvent>();
  private readonly lineEmitter = new Emitter<Line>();
  private readonly stateEmitter = new Emitter<InputState>();
  private readonly refusalEmitter = new Emitter<Refusal>();
  private readonly closeEmitter = new Emitter<CloseReason>();
  /** Everything worth recording, in order. */
  readonly onEvent = this.eventEmitter.on;
  /** Each complete output line. */
  readonly onLine = this.lineEmitter.on;
  /** The input-target model changed. */
  readonly onState = this.stateEmitter.on;
  /** Input the guard held back. */
  readonly onRefusal = this.refusalEmitter.on;
  readonly onClose = this.closeEmitter.on;

  constructor(transport: Transport, options: XenConsoleOptions) {
    this.transport = transport;
    this.clock = options.clock;
    this.switchCode = switchCodeFor(options.conswitch ?? 'a');
    this.startedAt = this.clock.now();
    this.lastOutputAt = this.startedAt;
    this.subscriptions.add(transport.onData((bytes) => this.receive(bytes)));
    this.subscriptions.add(transport.onClose((reason) => this.closeEmitter.fire(reason)));
    this.subscriptions.add(
      transport.onNotice((notice) => {
        if (notice.type === 'reconnected') {
          this.setState(onReconnect(this.state));
          this.mark({ type: 'gap', reason: `reconnected (attempt ${notice.attempt})` });
        } else if (notice.type === 'reconnecting') {
          this.mark({ type: 'gap', reason: `connection lost: ${notice.reason}` });
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
    return this.splitter.peek();
  }

  /**
   * Write bytes through the guard. Returns what the guard decided; refused bytes never reach the
   * wire. `confirmed` names dangerous keys the user explicitly confirmed for this write.
   */
  async send(bytes: Uint8Array, origin: InputOrigin, confirmed?: ReadonlySet<string>): Promise<GuardVerdict> {
    const verdict = guardInput(bytes, origin, {
      target: this.state.target,
      switchCode: this.switchCode,
      isDangerous: (key) => this.catalog.danger(key) !== null,
      ...(confirmed ? { confirmed } : {}),
    });
    if (verdict.refusal) this.refusalEmitter.fire({ origin, ...verdict.refusal });
    if (verdict.allowed.length === 0) return verdict;
    // Count before writing: Xen may answer before write() resolves.
    this.setState(onBytesSent(this.state, verdict.allowed, this.switchCode));
    this.eventEmitter.fire({ type: 'input', t: this.elapsed(), bytes: verdict.allowed });
    await this.transport.write(verdict.allowed);
    return verdict;
  }

  /** Send Xen's switch: the three switch bytes in one write, so nothing lands between them. */
  async sendSwitch(): Promise<void> {
    this.mark({ type: 'switch-request', to: null });
    const triple = new Uint8Array([this.switchCode, this.switchCode, this.switchCode]);
    await this.send(triple, 'switch');
  }

  mark(marker: Marker): void {
    this.eventEmitter.fire({ type: 'marker', t: this.elapsed(), label: formatMarker(marker) });
  }

  /** Resolve with the first line (from now on) that matches; reject on timeout, abort or close. */
  waitForLine(
    match: (line: Line) => boolean,
    options: { timeoutMs: number; signal?: AbortSignal; what: string; timeoutCode?: ErrorCode },
  ): Promise<Line> {
    // Created here so a timeout points at the caller, not at a timer callback.
    const timeoutError = new XenkeysError(
      options.timeoutCode ?? 'wait-timeout',
      `timed out after ${options.timeoutMs} ms waiting for ${options.what}`,
    );
    return new Promise((resolve, reject) => {
      const subs = new DisposableStore();
      const finish = (fn: () => void): void => {
        subs.dispose();
        fn();
      };
      subs.add(this.onLine((line) => match(line) && finish(() => resolve(line))));
      subs.add(this.onClose((reason) => finish(() => reject(lostError(reason, options.what)))));
      const timer = this.clock.setTimeout(() => finish(() => reject(timeoutError)), options.timeoutMs);
      subs.add({ dispose: () => timer.cancel() });
      if (options.signal) {
        const signal = options.signal;
        const onAbort = (): void => finish(() => reject(signal.reason));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        subs.add({ dispose: () => signal.removeEventListener('abort', onAbort) });
      }
    });
  }

  dispose(): void {
    this.subscriptions.dispose();
  }

  private receive(bytes: Uint8Array): void {
    const now = this.clock.now();
    const t = this.elapsed(now);
    const offset = this.rawOffset;
    this.rawOffset += bytes.length;
    this.lastOutputAt = now;
    this.eventEmitter.fire({ type: 'output', t, bytes, offset });
    for (const line of this.splitter.push(bytes, t, offset)) this.onCompleteLine(line);
  }

  private onCompleteLine(line: Line): void {
    const message = parseSwitchMessage(line.text);
    if (message) {
      this.setState(onSwitchMessage(this.state, message));
      this.mark({ type: 'input', target: message.target });
    }
    this.harvestHandlers(line.text);
    this.lineEmitter.fire(line);
  }

  // Learn the target's key list whenever its `h` output goes by, whoever pressed it.
  private harvestHandlers(text: string): void {
    if (text.includes('pressed -> showing installed handlers')) {
      this.handlerHarvest = [];
      return;
    }
    if (!this.handlerHarvest) return;
    const handler = parseHandlerLine(text);
    if (handler) {
      this.handlerHarvest.push(handler);
      return;
    }
    // Xen 4.21/4.22 print a version block between the header and the list: skip until the list starts.
    if (this.handlerHarvest.length === 0) return;
    this.catalog.learn(this.handlerHarvest);
    this.handlerHarvest = null;
  }

  private setState(next: InputState): void {
    if (next === this.state) return;
    this.state = next;
    this.stateEmitter.fire(next);
  }
}

/** The connection ended under a wait: keep its cause's code (a dead BMC is not just "lost"). */
export function lostError(reason: CloseReason, what: string): XenkeysError {
  const code = reason.kind === 'error' && reason.code ? reason.code : 'transport-lost';
  return new XenkeysError(code, `connection closed while waiting for ${what}: ${reason.message}`);
}

/** Error codes that mean the line is gone (as opposed to a refusal or a usage error). */
export const LOSS_CODES: ReadonlySet<string> = new Set(['transport-lost', 'bmc-unresponsive']);
