// The one seam between xenkeys and a console medium (after serialport's bindings-interface):
// open, write bytes, data events, close with a reason, and BREAK where the medium has one.
// A transport moves bytes verbatim in both directions. Anything the medium itself needs escaped
// (ipmitool's `~` after a newline, say) is the transport's own business, never its caller's.

import type { Emitter } from '../core/emitter.js';
import type { ErrorCode } from '../core/errors.js';

export type TransportKind =
  'serial' | 'tcp' | 'telnet' | 'conserver' | 'spawn' | 'ipmi' | 'ssh' | 'fake' | 'simulated' | 'attach';

/** Why a connection ended. `local` means we asked for it; anything else is a loss. */
export type CloseReason =
  | { kind: 'local'; message: string }
  | { kind: 'remote'; message: string }
  | { kind: 'error'; message: string; code?: ErrorCode; error?: unknown };

/**
 * Things the medium says that are not console bytes: ipmitool's "[SOL Session operational]",
 * a reconnect in progress, and so on. The console records them as markers, never as output.
 */
export type TransportNotice =
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { type: 'reconnected'; attempt: number };

export interface Transport {
  readonly kind: TransportKind;
  /** One line for status bars and cast titles, e.g. "serial /dev/ttyUSB0 115200 8N1". No secrets. */
  readonly description: string;
  /** True when sendBreak() does something real on this medium. */
  readonly canBreak: boolean;
  readonly isOpen: boolean;

  /** Bytes from the console, exactly as received. */
  readonly onData: Emitter<Uint8Array>['on'];
  /** Fires once per connection when it ends, for whatever reason. */
  readonly onClose: Emitter<CloseReason>['on'];
  readonly onNotice: Emitter<TransportNotice>['on'];

  /** Connect. Rejects with a XenkeysError ('connect-failed', 'port-busy', …). May be called again after close. */
  open(): Promise<void>;
  /** Write bytes as one unit (the Xen switch triple relies on it). Resolves when handed to the medium. */
  write(bytes: Uint8Array): Promise<void>;
  /** Send a BREAK condition. Rejects when canBreak is false. */
  sendBreak(): Promise<void>;
  /** Disconnect; onClose fires with { kind: 'local' }. Safe to call twice. */
  close(message?: string): Promise<void>;
}
