// A complete in-memory ConsoleHub for tests (in the style of transports/fake.ts): a test plays the
// console (emitData), says things (notice), starts and ends incidents, and reads what the writer
// seat wrote. The seat rules are the real ones: one writer, held writes during an incident.

import { Emitter, type Disposable } from '../core/emitter.js';
import { XenkeysError } from '../core/errors.js';
import type { ConsoleHub, HubConnection, HubStatus, WriterSeat } from './hub.js';

export interface FakeHubOptions {
  target?: string;
  /** Most scrollback kept (bytes). Default 1 MiB. */
  keep?: number;
  /** Echo the writer's bytes back as console output, like a shell would. */
  echo?: boolean;
  now?: () => Date;
  /** Called for every seat write, after it is recorded: the hook a simulated console answers by. */
  onWrite?: (bytes: Uint8Array, hub: FakeHub) => void;
}

export class FakeHub implements ConsoleHub {
  readonly name: string;
  /** Every write through a seat, in order, with who made it. */
  readonly writes: { who: string; bytes: Uint8Array }[] = [];
  connection: HubConnection = 'connected';
  input = 'dom0';
  incidents = 0;
  private incident = false;
  private bytes = 0;
  private lastOutputAt: string | null = null;
  private since: string;
  private kept: Buffer = Buffer.alloc(0);
  private writer: { who: string } | null = null;
  private readonly options: FakeHubOptions;
  private readonly dataEmitter = new Emitter<Uint8Array>();
  private readonly noticeEmitter = new Emitter<string>();

  constructor(name: string, options: FakeHubOptions = {}) {
    this.name = name;
    this.options = options;
    this.since = this.now();
  }

  status(): HubStatus {
    return {
      name: this.name,
      target: this.options.target ?? `fake ${this.name}`,
      connection: this.connection,
      since: this.since,
      bytes: this.bytes,
      lastOutputAt: this.lastOutputAt,
      input: this.input,
      incidents: this.incidents,
      incidentRunning: this.incident,
      writer: this.writer?.who ?? null,
      // The attach server counts its own viewers; a hub sees only the writer seat.
      viewers: 0,
    };
  }

  scrollback(maxBytes: number): Uint8Array {
    return Uint8Array.from(this.kept.subarray(Math.max(0, this.kept.length - maxBytes)));
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    return this.dataEmitter.on(listener);
  }

  onNotice(listener: (message: string) => void): Disposable {
    return this.noticeEmitter.on(listener);
  }

  claimWriter(who: string): WriterSeat | null {
    if (this.writer) return null;
    const holder = { who };
    this.writer = holder;
    let given = false;
    return {
      write: async (bytes) => {
        if (given || this.writer !== holder)
          throw new XenkeysError('usage', `${this.name}: the seat was given up`);
        if (this.incident)
          throw new XenkeysError(
            'usage',
            `${this.name}: an incident is running; input is held until it ends`,
          );
        const copy = Uint8Array.from(bytes);
        this.writes.push({ who, bytes: copy });
        if (this.options.echo) this.emitData(copy);
        this.options.onWrite?.(copy, this);
      },
      dispose: () => {
        given = true;
        if (this.writer === holder) this.writer = null;
      },
    };
  }

  /** The console sends bytes (a string is taken as latin1, byte for byte). */
  emitData(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    this.bytes += bytes.length;
    this.lastOutputAt = this.now();
    const keep = this.options.keep ?? 1024 * 1024;
    this.kept = Buffer.concat([this.kept, bytes]);
    if (this.kept.length > keep) this.kept = this.kept.subarray(this.kept.length - keep);
    this.dataEmitter.fire(bytes);
  }

  notice(message: string): void {
    this.noticeEmitter.fire(message);
  }

  startIncident(trigger = 'test'): void {
    this.incident = true;
    this.incidents++;
    this.notice(`incident started: ${trigger}`);
  }

  endIncident(): void {
    this.incident = false;
    this.notice('incident written');
  }

  setConnection(connection: HubConnection): void {
    this.connection = connection;
    this.since = this.now();
  }

  /** Listeners attached now (the attach server's sessions). */
  get listeners(): number {
    return this.dataEmitter.size;
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }
}
