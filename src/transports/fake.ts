// A complete in-memory transport for tests (after serialport's binding-mock): it records what
// was written, lets a test (or a simulated peer) emit data, drop the line, or refuse to open.

import { XenkeysError } from '../core/errors.js';
import { TransportBase } from './base.js';
import type { CloseReason } from './transport.js';

export interface FakeTransportOptions {
  description?: string;
  canBreak?: boolean;
  /** Echo every write back as data, like a loopback plug. */
  echo?: boolean;
  /** Make open() fail with this error. */
  openError?: Error;
  /** Called for every write, after it is recorded: the hook a simulated peer uses to answer. */
  onWrite?: (bytes: Uint8Array, fake: FakeTransport) => void;
}

export class FakeTransport extends TransportBase {
  readonly kind = 'fake' as const;
  readonly description: string;
  readonly canBreak: boolean;
  /** Every write, in order, as separate chunks (tests check atomicity this way). */
  readonly writes: Uint8Array[] = [];
  breaks = 0;
  opens = 0;
  private readonly options: FakeTransportOptions;

  constructor(options: FakeTransportOptions = {}) {
    super();
    this.options = options;
    this.description = options.description ?? 'fake';
    this.canBreak = options.canBreak ?? false;
  }

  /** All bytes written so far, concatenated. */
  get written(): Uint8Array {
    return Buffer.concat(this.writes);
  }

  set onWrite(hook: FakeTransportOptions['onWrite']) {
    this.options.onWrite = hook;
  }

  set openError(error: Error | undefined) {
    this.options.openError = error;
  }

  async open(): Promise<void> {
    if (this.options.openError) throw this.options.openError;
    this.opens++;
    this.markOpen();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    const copy = Uint8Array.from(bytes);
    this.writes.push(copy);
    if (this.options.echo) this.emitData(copy);
    this.options.onWrite?.(copy, this);
  }

  override async sendBreak(): Promise<void> {
    if (!this.canBreak) return super.sendBreak();
    this.assertOpen();
    this.breaks++;
  }

  async close(message = 'closed'): Promise<void> {
    this.markClosed({ kind: 'local', message });
  }

  /** The peer sends bytes (a string is taken as latin1, byte for byte). */
  emitData(data: Uint8Array | string): void {
    if (!this.isOpen) return;
    this.dataEmitter.fire(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The line drops (cable pulled, BMC closed the session, process died). */
  drop(
    reason: Omit<CloseReason, 'kind'> & { kind?: 'remote' | 'error' } = { message: 'line dropped' },
  ): void {
    this.markClosed({ kind: reason.kind ?? 'remote', message: reason.message } as CloseReason);
  }

  /** Forget recorded writes. */
  clearWrites(): void {
    this.writes.length = 0;
  }

  notice(message: string): void {
    this.noticeEmitter.fire({ type: 'info', message });
  }

  failOpenWith(code: 'connect-failed' | 'port-busy', message: string): void {
    this.options.openError = new XenkeysError(code, message);
  }
}
