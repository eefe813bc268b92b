// Raw TCP to a console server: ser2net raw ports, QEMU `-serial tcp:…`, terminal servers.
// No telnet negotiation, no BREAK: bytes go both ways untouched. Owns address parsing, the
// connect timeout, and telling "the far end hung up" apart from "the connection failed".
// Telnet (telnet.ts) is this plus a codec: it overrides the hooks handleIncoming / encodeOutgoing.

import { Socket } from 'node:net';
import { XenkeysError } from '../core/errors.js';
import { TransportBase } from './base.js';
import type { TransportKind } from './transport.js';

export interface TcpTransportOptions {
  /** `host:port`, `[v6addr]:port`; or give host and port separately. */
  address?: string;
  host?: string;
  port?: number;
  /** Give up connecting after this long; default 10 s. */
  connectTimeoutMs?: number;
}

/** Splits `host:port` / `[::1]:port`; throws a usage error on anything else. */
export function parseHostPort(address: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:[\]]+):(\d+)$/.exec(address);
  const port = Number(m?.[2]);
  if (!m?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new XenkeysError('usage', `bad TCP address "${address}"`, {
      hint: 'write host:port, e.g. localhost:4555 or [::1]:4555',
    });
  }
  return { host: m[1], port };
}

export class TcpTransport extends TransportBase {
  readonly kind: TransportKind = 'tcp';
  readonly description: string;
  readonly canBreak: boolean = false;
  readonly host: string;
  readonly port: number;
  private readonly connectTimeoutMs: number;
  private socket: Socket | undefined;

  constructor(options: TcpTransportOptions) {
    super();
    const target =
      options.address !== undefined
        ? parseHostPort(options.address)
        : { host: options.host ?? 'localhost', port: options.port ?? NaN };
    if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
      throw new XenkeysError('usage', `bad TCP port ${String(target.port)}`, {
        hint: 'give a port between 1 and 65535',
      });
    }
    this.host = target.host;
    this.port = target.port;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.description = `${this.label} ${this.endpoint}`;
  }

  /** First word of the description (and of error messages). */
  protected get label(): string {
    return 'tcp';
  }

  /** Bytes from the socket; override to decode a protocol (telnet). */
  protected handleIncoming(chunk: Uint8Array): void {
    this.dataEmitter.fire(chunk);
  }

  /** Bytes from the caller on their way to the socket; override to encode. */
  protected encodeOutgoing(bytes: Uint8Array): Uint8Array {
    return bytes;
  }

  protected get endpoint(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      const fail = (message: string, hint: string, cause?: unknown) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new XenkeysError('connect-failed', `${this.description}: ${message}`, { hint, cause }));
      };
      const timer = setTimeout(
        () =>
          fail(
            `no answer within ${this.connectTimeoutMs / 1000} s`,
            'check the host and port, and any firewall between',
          ),
        this.connectTimeoutMs,
      );
      socket.once('error', (err: NodeJS.ErrnoException) =>
        fail(socketWords(err), connectHint(err.code, this.endpoint), err),
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve();
      });
      socket.connect({ host: this.host, port: this.port });
    });

    // Console keystrokes are tiny and latency matters more than packet count.
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.handleIncoming(chunk);
    });
    let failure: Error | undefined;
    socket.on('error', (err) => {
      failure = err;
    });
    // 'close' follows both 'end' and 'error'; decide there, once, with what we learnt.
    socket.on('close', () => {
      if (this.socket !== socket) return; // a local close already reported
      this.socket = undefined;
      if (failure) {
        this.markClosed({
          kind: 'error',
          code: 'transport-lost',
          message: `${this.description}: ${failure.message}`,
          error: failure,
        });
      } else {
        this.markClosed({ kind: 'remote', message: `${this.description}: connection closed by the far end` });
      }
    });
    this.markOpen();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    await this.writeWire(this.encodeOutgoing(bytes));
  }

  /** Straight to the socket as one write, no encoding (a subclass's own protocol bytes). */
  protected async writeWire(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const chunk = Buffer.from(bytes);
    await new Promise<void>((resolve, reject) => {
      socket.write(chunk, (err) =>
        err
          ? reject(
              new XenkeysError('transport-lost', `${this.description}: write failed: ${err.message}`, {
                cause: err,
              }),
            )
          : resolve(),
      );
    });
  }

  async close(message = 'closed'): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.markClosed({ kind: 'local', message });
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      // FIN rather than RST, then stop waiting for the far end's FIN: a console server that
      // never hangs up must not keep close() pending.
      socket.end(() => socket.destroy());
    });
  }
}

/** Node says `connect ECONNREFUSED 10.0.0.1:7000`, repeating the address the message starts with. */
function socketWords(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
      return 'host name not found';
    case 'EAI_AGAIN':
      return 'host name lookup failed (temporarily)';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return err.message;
  }
}

function connectHint(code: string | undefined, endpoint: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing is listening on ${endpoint}; is ser2net / QEMU running, and is the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve; check the spelling or use an IP address';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to that host; check the address and your network';
    default:
      return 'check the host and port, and that the console server accepts connections';
  }
}
