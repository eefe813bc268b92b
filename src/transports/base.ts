// Shared plumbing for transports: the three event channels and the open/closed bookkeeping,
// so each transport file holds only what is particular to its medium.

import { Emitter } from '../core/emitter.js';
import { XenkeysError } from '../core/errors.js';
import type { CloseReason, Transport, TransportKind, TransportNotice } from './transport.js';

export abstract class TransportBase implements Transport {
  abstract readonly kind: TransportKind;
  abstract readonly description: string;
  abstract readonly canBreak: boolean;

  protected readonly dataEmitter = new Emitter<Uint8Array>();
  protected readonly closeEmitter = new Emitter<CloseReason>();
  protected readonly noticeEmitter = new Emitter<TransportNotice>();
  readonly onData = this.dataEmitter.on;
  readonly onClose = this.closeEmitter.on;
  readonly onNotice = this.noticeEmitter.on;

  private open_ = false;
  get isOpen(): boolean {
    return this.open_;
  }

  abstract open(): Promise<void>;
  abstract write(bytes: Uint8Array): Promise<void>;
  abstract close(message?: string): Promise<void>;

  sendBreak(): Promise<void> {
    return Promise.reject(
      new XenkeysError('usage', `${this.kind} connections have no BREAK`, {
        hint: 'BREAK needs a local serial port, telnet, conserver, IPMI SOL or SSH; Xen itself ignores BREAK on its UART.',
      }),
    );
  }

  /** Call when the connection is up. */
  protected markOpen(): void {
    this.open_ = true;
  }

  /** Call exactly once when the connection ends; later calls are ignored. */
  protected markClosed(reason: CloseReason): void {
    if (!this.open_) return;
    this.open_ = false;
    this.closeEmitter.fire(reason);
  }

  protected assertOpen(): void {
    if (!this.open_) {
      throw new XenkeysError('transport-lost', `${this.description}: not connected`);
    }
  }
}
