// A local serial port (USB adapter, on-board UART, a pty from socat) through `serialport`.
// Owns line settings, exclusive access (flock via `lock: true`), naming whoever holds a busy
// port, BREAK, and telling an unplugged adapter apart from a close we asked for.

import { SerialPort } from 'serialport';
import { XenkeysError } from '../core/errors.js';
import { TransportBase } from './base.js';
import { describeHolder, findExclusiveHolder, findPortHolder, type PortHolder } from './port-holder.js';
import { hangupAwareBinding } from './serial-binding.js';

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type StopBits = 1 | 1.5 | 2;
export type FlowControl = 'none' | 'rtscts' | 'xonxoff';

export interface SerialTransportOptions {
  /** Device path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/… */
  path: string;
  /** Default 115200, what Xen's `com1=115200,8n1` usually means. */
  baudRate?: number;
  /** 5–8, default 8. */
  dataBits?: 5 | 6 | 7 | 8;
  parity?: Parity;
  stopBits?: StopBits;
  flowControl?: FlowControl;
  /** How long BREAK is held; default 250 ms (anything over one character time works). */
  breakMs?: number;
}

const PARITY_LETTER: Record<Parity, string> = { none: 'N', even: 'E', odd: 'O', mark: 'M', space: 'S' };

export class SerialTransport extends TransportBase {
  readonly kind = 'serial' as const;
  readonly description: string;
  readonly canBreak = true;
  readonly path: string;
  private readonly options: Required<SerialTransportOptions>;
  private port: SerialPort | undefined;

  constructor(options: SerialTransportOptions) {
    super();
    this.options = {
      baudRate: 115200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      flowControl: 'none',
      breakMs: 250,
      ...options,
    };
    const { path, baudRate, dataBits, parity, stopBits, flowControl } = this.options;
    if (!Number.isInteger(baudRate) || baudRate <= 0) {
      throw new XenkeysError('usage', `bad baud rate ${baudRate}`, {
        hint: 'use a positive integer such as 115200',
      });
    }
    if (![5, 6, 7, 8].includes(dataBits)) {
      throw new XenkeysError('usage', `bad data bits ${dataBits}`, { hint: 'data bits are 5, 6, 7 or 8' });
    }
    this.path = path;
    const flow = flowControl === 'none' ? '' : ` ${flowControl}`;
    this.description = `serial ${path} ${baudRate} ${dataBits}${PARITY_LETTER[parity]}${stopBits}${flow}`;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    // Check for a lock first: serialport applies termios *before* it tries flock, so a doomed
    // open would still reset the line settings under the program that owns the port.
    const holder = await findExclusiveHolder(this.path);
    if (holder) throw this.busyError(holder);

    const { path, baudRate, dataBits, parity, stopBits, flowControl } = this.options;
    const port = new SerialPort({
      path,
      baudRate,
      dataBits,
      parity,
      stopBits,
      rtscts: flowControl === 'rtscts',
      xon: flowControl === 'xonxoff',
      xoff: flowControl === 'xonxoff',
      lock: true,
      autoOpen: false,
      // SerialPort's options type omits `binding`, though its constructor honours it.
      ...({ binding: hangupAwareBinding } as object),
    });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (error) {
      throw await this.openError(error);
    }

    this.port = port;
    port.on('data', (chunk: Buffer) => {
      if (this.port === port) this.dataEmitter.fire(chunk);
    });
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port) return; // we closed it ourselves
      this.port = undefined;
      const why = err?.disconnected ? 'device went away (unplugged?)' : 'port closed';
      this.markClosed({ kind: 'error', code: 'transport-lost', message: `${this.path}: ${why}`, error: err });
    });
    port.on('error', (err: Error) => {
      if (this.port !== port) return;
      if (port.isOpen) {
        this.noticeEmitter.fire({ type: 'warning', message: `${this.path}: ${err.message}` });
        return;
      }
      this.port = undefined;
      this.markClosed({
        kind: 'error',
        code: 'transport-lost',
        message: `${this.path}: ${err.message}`,
        error: err,
      });
    });
    this.markOpen();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    const port = this.port;
    if (!port) return;
    // Copy: the caller may reuse its buffer before the stream gets round to it.
    const chunk = Buffer.from(bytes);
    await new Promise<void>((resolve, reject) => {
      port.write(chunk, (err) =>
        err
          ? reject(
              new XenkeysError('transport-lost', `${this.path}: write failed: ${err.message}`, {
                cause: err,
              }),
            )
          : resolve(),
      );
    });
  }

  override async sendBreak(): Promise<void> {
    this.assertOpen();
    const port = this.port;
    if (!port) return;
    const set = (brk: boolean) =>
      new Promise<void>((resolve, reject) => port.set({ brk }, (err) => (err ? reject(err) : resolve())));
    try {
      await set(true);
    } catch (error) {
      throw new XenkeysError('usage', `${this.path}: cannot send BREAK: ${(error as Error).message}`, {
        hint: 'this device has no BREAK line (a pty, or an adapter whose driver lacks break support)',
        cause: error,
      });
    }
    try {
      // A real duration, not synchronisation: BREAK is "line held low for a while".
      await new Promise((resolve) => setTimeout(resolve, this.options.breakMs));
    } finally {
      await set(false).catch(() => undefined);
    }
  }

  async close(message = 'closed'): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.markClosed({ kind: 'local', message });
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private busyError(holder: PortHolder | undefined): XenkeysError {
    const who = holder ? ` (${describeHolder(holder)})` : '';
    const hint = holder
      ? `close ${holder.name}${holder.cmdline ? ` (\`${holder.cmdline}\`)` : ''} or run \`kill ${holder.pid}\`, then retry`
      : 'another program has it open exclusively; close it (minicom, screen, picocom, another xenkeys) and retry';
    return new XenkeysError('port-busy', `${this.path} is busy${who}`, { hint });
  }

  private async openError(error: unknown): Promise<XenkeysError> {
    const text = error instanceof Error ? error.message : String(error);
    if (/Cannot lock port|Resource temporarily unavailable|Device or resource busy/i.test(text)) {
      return this.busyError(await findPortHolder(this.path));
    }
    let hint = 'check the device path and line settings';
    if (/No such file or directory/i.test(text)) hint = 'no such device — list ports with `xenkeys ports`';
    else if (/Permission denied/i.test(text)) {
      hint = 'add yourself to the dialout group (`sudo usermod -aG dialout $USER`, then log in again)';
    } else if (/baud rate/i.test(text)) hint = 'this device does not support that baud rate; try 115200';
    else if (/Invalid (parity|stop bits) setting/i.test(text)) {
      hint =
        'on Linux, parity must be none, even or odd and stop bits 1 or 2 (mark, space and 1.5 are Windows-only)';
    }
    return new XenkeysError('connect-failed', `cannot open ${this.path}: ${text}`, { hint, cause: error });
  }
}
