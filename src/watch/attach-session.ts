// One attached client on a watcher's socket: hello, then scrollback and live bytes, notices, and
// (for the writer) input through the seat with one ack per write. Whatever the client does — vanish,
// stall, send garbage — only its own connection ends; the watcher and its hub never notice.

import type { Socket } from 'node:net';
import { DisposableStore } from '../core/emitter.js';
import { errorMessage } from '../core/errors.js';
import { terminalText } from '../core/text-controls.js';
import {
  FRAME,
  FrameReader,
  ackFrame,
  dataFrames,
  frame,
  jsonFrame,
  parseHello,
  parseInput,
  PROTOCOL_VERSION,
  type AttachMode,
  type Refused,
  type Welcome,
} from './attach-protocol.js';
import type { ConsoleHub, HubStatus, WriterSeat } from './hub.js';

/** Scrollback sent when the client asks for none in particular, and the most it may ask for. */
export const DEFAULT_SCROLLBACK = 256 * 1024;
export const MAX_SCROLLBACK = 16 * 1024 * 1024;
/** A client this far behind is dropped rather than buffered without end. */
export const MAX_CLIENT_BACKLOG = 8 * 1024 * 1024;
/** A client that says nothing this long after connecting is dropped. */
const HELLO_TIMEOUT_MS = 10_000;

export class AttachSession {
  private readonly reader = new FrameReader();
  private readonly subs = new DisposableStore();
  private seat: WriterSeat | null = null;
  private greeted = false;
  /** Writes go to the seat one after another, in the order they came. */
  private writes: Promise<void> = Promise.resolve();
  private ended = false;
  /** Said its last word (a refusal, a status): the rest of what the client sends is ignored. */
  private closing = false;

  constructor(
    private readonly socket: Socket,
    private readonly hub: ConsoleHub,
    /** The hub's status with the viewers this server counts (the hub cannot see them). */
    private readonly status: () => HubStatus,
    private readonly onEnd: (session: AttachSession) => void,
  ) {
    socket.setTimeout(HELLO_TIMEOUT_MS, () => this.end());
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
  }

  get mode(): AttachMode | null {
    return !this.greeted ? null : this.seat ? 'rw' : 'ro';
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.subs.dispose();
    this.seat?.dispose();
    this.seat = null;
    this.socket.destroy();
    this.onEnd(this);
  }

  private receive(chunk: Buffer): void {
    try {
      for (const f of this.reader.push(chunk)) {
        if (this.ended || this.closing) return;
        this.handle(f.type, f.payload);
      }
    } catch (error) {
      this.refuse({ reason: 'bad-hello', message: errorMessage(error) });
    }
  }

  private handle(type: number, payload: Buffer): void {
    if (type === FRAME.statusRequest && !this.greeted) {
      this.send(jsonFrame(FRAME.status, this.status()));
      this.closing = true;
      this.socket.end();
      return;
    }
    if (type === FRAME.hello && !this.greeted) return this.hello(payload);
    if (type === FRAME.input && this.greeted) return this.input(payload);
    this.refuse({ reason: 'bad-hello', message: `attach protocol: unexpected frame 0x${type.toString(16)}` });
  }

  private hello(payload: Buffer): void {
    const hello = parseHello(payload);
    if (hello.name !== this.hub.name) {
      return this.refuse({
        reason: 'no-such-console',
        message: `this socket serves ${this.hub.name}, not ${hello.name}`,
      });
    }
    // The name is shown to other people (status, refusals): no controls, bounded.
    const who = terminalText(hello.who).slice(0, 80) || 'someone';
    let mode: AttachMode = 'ro';
    if (hello.mode === 'rw') {
      this.seat = this.hub.claimWriter(who);
      if (this.seat) mode = 'rw';
      else if (!hello.fallback) {
        const writer = this.status().writer;
        return this.refuse({
          reason: 'seat-taken',
          message: `${this.hub.name}: the read-write seat is taken by ${writer ?? 'someone'}`,
          writer,
        });
      }
    }
    this.greeted = true;
    this.socket.setTimeout(0);
    const welcome: Welcome = { v: PROTOCOL_VERSION, name: this.hub.name, mode, status: this.status() };
    this.send(jsonFrame(FRAME.welcome, welcome));
    // Scrollback and the subscription in one turn of the event loop: no byte missed, none twice.
    const wanted = Math.min(hello.scrollback ?? DEFAULT_SCROLLBACK, MAX_SCROLLBACK);
    const back = wanted > 0 ? this.hub.scrollback(wanted) : new Uint8Array(0);
    for (const f of dataFrames(FRAME.scrollback, back)) this.send(f);
    this.subs.add(this.hub.onData((bytes) => dataFrames(FRAME.data, bytes).forEach((f) => this.send(f))));
    this.subs.add(this.hub.onNotice((message) => this.send(frame(FRAME.notice, message))));
    if (hello.mode === 'rw' && mode === 'ro') {
      const writer = this.status().writer;
      this.send(frame(FRAME.notice, `read-only: the read-write seat is taken by ${writer ?? 'someone'}`));
    }
  }

  private input(payload: Buffer): void {
    const { seq, bytes } = parseInput(payload);
    const seat = this.seat;
    if (!seat) {
      this.send(ackFrame(seq, `${this.hub.name}: attached read-only, input refused`));
      return;
    }
    const copy = Uint8Array.from(bytes);
    this.writes = this.writes.then(() =>
      seat.write(copy).then(
        () => this.send(ackFrame(seq)),
        (error: unknown) => this.send(ackFrame(seq, errorMessage(error))),
      ),
    );
  }

  private refuse(refusal: Refused): void {
    this.send(jsonFrame(FRAME.refused, refusal));
    this.closing = true;
    this.socket.end();
    this.subs.dispose();
    this.seat?.dispose();
    this.seat = null;
  }

  /** Never throws, never waits: a client too far behind is dropped. */
  private send(bytes: Buffer): void {
    if (this.ended || this.socket.destroyed || !this.socket.writable) return;
    if (this.socket.writableLength > MAX_CLIENT_BACKLOG) return this.end();
    this.socket.write(bytes);
  }
}
