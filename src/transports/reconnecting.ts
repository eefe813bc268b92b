// Reconnect as first-class behaviour (after tio and conserver's autoreinit): wraps any transport,
// and when the line drops unexpectedly reopens it with backoff. Each loss and recovery is a notice,
// so the console marks the gap in the recording and re-learns where input goes.

import type { Clock } from '../core/clock.js';
import { delay } from '../core/clock.js';
import type { Disposable } from '../core/emitter.js';
import { XenkeysError, type ErrorCode } from '../core/errors.js';
import { TransportBase } from './base.js';
import type { CloseReason, Transport } from './transport.js';

export interface ReconnectPolicy {
  /** Attempts after a loss before giving up (0 disables reconnecting). */
  attempts: number;
  /** First delay; doubles each attempt up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 5, initialDelayMs: 500, maxDelayMs: 8_000 };

export class ReconnectingTransport extends TransportBase {
  readonly kind: Transport['kind'];
  private subs: Disposable[] = [];
  private closing = false;
  private readonly abort = new AbortController();

  constructor(
    readonly inner: Transport,
    private readonly policy: ReconnectPolicy,
    private readonly clock: Clock,
  ) {
    super();
    this.kind = inner.kind;
    this.subs.push(
      inner.onData((bytes) => this.dataEmitter.fire(bytes)),
      inner.onNotice((notice) => this.noticeEmitter.fire(notice)),
      inner.onClose((reason) => void this.onInnerClose(reason)),
    );
  }

  get description(): string {
    return this.inner.description;
  }

  get canBreak(): boolean {
    return this.inner.canBreak;
  }

  async open(): Promise<void> {
    this.closing = false;
    await this.inner.open();
    this.markOpen();
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.inner.write(bytes);
  }

  override sendBreak(): Promise<void> {
    return this.inner.sendBreak();
  }

  async close(message = 'closed'): Promise<void> {
    this.closing = true;
    this.abort.abort();
    if (this.inner.isOpen) await this.inner.close(message);
    this.markClosed({ kind: 'local', message });
    for (const s of this.subs) s.dispose();
    this.subs = [];
  }

  private async onInnerClose(reason: CloseReason): Promise<void> {
    if (this.closing || reason.kind === 'local') return;
    let wait = this.policy.initialDelayMs;
    // What the user is told at the end: the most telling cause seen (a dead BMC, a refused
    // password), not just "lost".
    let cause: ErrorCode | undefined = reason.kind === 'error' ? reason.code : undefined;
    for (let attempt = 1; attempt <= this.policy.attempts; attempt++) {
      this.noticeEmitter.fire({ type: 'reconnecting', attempt, delayMs: wait, reason: reason.message });
      try {
        await delay(this.clock, wait, this.abort.signal);
        await this.inner.open();
        this.noticeEmitter.fire({ type: 'reconnected', attempt });
        return;
      } catch (error) {
        if (this.closing) return;
        if (error instanceof XenkeysError && error.code !== 'connect-failed') cause = error.code;
        wait = Math.min(wait * 2, this.policy.maxDelayMs);
      }
    }
    const gaveUp =
      this.policy.attempts > 0 ? `; gave up after ${this.policy.attempts} reconnect attempts` : '';
    this.markClosed({
      kind: 'error',
      code: cause ?? 'transport-lost',
      message: `${reason.message}${gaveUp}`,
    });
  }
}
