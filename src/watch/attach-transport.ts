// A console attached through a running watcher (`xenkeys connect --attach NAME`): the watcher owns
// the line, and this transport speaks the attach protocol on its unix socket. Output is the
// watcher's scrollback, then live bytes; writes go through the watcher's read-write seat and
// resolve once the watcher has written them (or reject with its reason: read-only, incident).

import { hostname, userInfo } from 'node:os';
import type { Socket } from 'node:net';
import { XenkeysError } from '../core/errors.js';
import { defaultAttachDir } from './attach-dir.js';
import { connectAttach, noSuchConsole } from './attach-client.js';
import {
  FRAME,
  FrameReader,
  inputFrame,
  jsonFrame,
  parseAck,
  parseJson,
  PROTOCOL_VERSION,
  type AttachMode,
  type Hello,
  type Refused,
  type Welcome,
} from './attach-protocol.js';
import { TransportBase } from '../transports/base.js';

export interface AttachTransportOptions {
  name: string;
  mode: AttachMode;
  /** rw only: watch read-only instead of failing when someone else holds the seat. */
  fallback?: boolean;
  /** The attach folder; default $XDG_RUNTIME_DIR/xenkeys. */
  dir?: string;
  /** Shown to others as the seat holder; default user@host pid N. */
  who?: string;
  /** Bytes of scrollback to ask for. */
  scrollback?: number;
}

export class AttachTransport extends TransportBase {
  readonly kind = 'attach' as const;
  readonly canBreak = false;
  readonly dir: string;
  /** What the watcher granted, once attached. */
  granted: AttachMode | null = null;
  /** The watcher's status as of attaching. */
  welcome: Welcome | null = null;
  private socket: Socket | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(private readonly options: AttachTransportOptions) {
    super();
    this.dir = options.dir ?? defaultAttachDir();
  }

  get description(): string {
    const mode = (this.granted ?? this.options.mode) === 'rw' ? 'read-write' : 'read-only';
    const via = this.welcome ? `, ${this.welcome.status.target}` : '';
    return `attach ${this.options.name} (${mode}${via})`;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const socket = await connectAttach(this.dir, this.options.name);
    const reader = new FrameReader();
    await new Promise<void>((resolve, reject) => {
      let greeted = false;
      const fail = (error: Error): void => {
        socket.destroy();
        reject(error);
      };
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const f of reader.push(chunk)) {
            if (!greeted && f.type === FRAME.refused)
              return fail(this.refusal(parseJson<Refused>(f.payload, 'refusal')));
            if (!greeted && f.type === FRAME.welcome) {
              greeted = true;
              this.attached(socket, parseJson<Welcome>(f.payload, 'welcome'));
              resolve();
            } else if (greeted) this.frame(f.type, f.payload);
          }
        } catch (error) {
          if (!greeted) fail(error as Error);
          else this.lost(socket, `the watcher broke the attach protocol: ${(error as Error).message}`);
        }
      });
      socket.on('error', (error) => (greeted ? this.lost(socket, error.message) : fail(error)));
      socket.on('close', () => {
        if (!greeted) fail(new XenkeysError('connect-failed', `the watcher of ${this.options.name} hung up`));
        else this.lost(socket, 'the watcher ended the attachment');
      });
      const hello: Hello = {
        v: PROTOCOL_VERSION,
        name: this.options.name,
        mode: this.options.mode,
        who: this.options.who ?? defaultWho(),
        fallback: this.options.fallback ?? false,
        ...(this.options.scrollback !== undefined ? { scrollback: this.options.scrollback } : {}),
      };
      socket.write(jsonFrame(FRAME.hello, hello));
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    if (this.granted !== 'rw') {
      throw new XenkeysError('usage', `attached to ${this.options.name} read-only: input is not sent`, {
        hint: 'Attach without --read-only to type (one read-write user at a time).',
      });
    }
    const seq = ++this.seq >>> 0;
    const done = new Promise<void>((resolve, reject) => this.pending.set(seq, { resolve, reject }));
    this.socket?.write(inputFrame(seq, bytes));
    return done;
  }

  async close(message = 'closed'): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.settleAll(new XenkeysError('transport-lost', `${this.description}: detached`));
    this.markClosed({ kind: 'local', message });
    socket?.destroy();
  }

  private attached(socket: Socket, welcome: Welcome): void {
    this.socket = socket;
    this.welcome = welcome;
    this.granted = welcome.mode;
    this.markOpen();
    const writer = welcome.status.writer;
    const seat =
      welcome.mode === 'rw'
        ? 'read-write'
        : `read-only${writer ? ` (${writer} holds the read-write seat)` : ''}`;
    this.noticeEmitter.fire({
      type: 'info',
      message: `attached to ${welcome.name} ${seat} through its watcher: scrollback first, then live`,
    });
  }

  private frame(type: number, payload: Buffer): void {
    if (type === FRAME.scrollback || type === FRAME.data) this.dataEmitter.fire(Uint8Array.from(payload));
    else if (type === FRAME.notice)
      this.noticeEmitter.fire({ type: 'warning', message: `watcher: ${payload.toString('utf8')}` });
    else if (type === FRAME.ack) {
      const { seq, error } = parseAck(payload);
      const waiter = this.pending.get(seq);
      this.pending.delete(seq);
      if (error === undefined) waiter?.resolve();
      else waiter?.reject(new XenkeysError('usage', error));
    }
  }

  /** The watcher's end went away; ignored for a socket already replaced or closed by us. */
  private lost(socket: Socket, message: string): void {
    if (this.socket !== socket) return;
    socket.destroy();
    this.socket = undefined;
    this.settleAll(new XenkeysError('transport-lost', `${this.description}: ${message}`));
    this.markClosed({ kind: 'remote', message: `${this.description}: ${message}` });
  }

  private settleAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  private refusal(refused: Refused): XenkeysError {
    if (refused.reason === 'seat-taken') {
      return new XenkeysError('port-busy', refused.message, {
        hint: `Watch alongside with --read-only, or ask ${refused.writer ?? 'the writer'} to detach (Ctrl-] q).`,
      });
    }
    if (refused.reason === 'no-such-console') return noSuchConsole(this.dir, this.options.name);
    return new XenkeysError('connect-failed', `the watcher refused: ${refused.message}`);
  }
}

function defaultWho(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): the pid still tells sessions apart
  }
  return `${user}@${hostname()} pid ${process.pid}`;
}
