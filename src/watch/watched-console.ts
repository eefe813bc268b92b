// One console under watch: keeps it connected for as long as the watcher runs, records every byte
// (segments.ts), looks at every line for trouble (triggers.ts) and, when it finds some, runs an
// incident (incident.ts) — one at a time, with a cooldown, never on a Xen that has halted. It is
// also the ConsoleHub people attach to: its writer seat writes through the same XenConsole, so the
// input-target model sees every switch triple whoever sends it.

import path from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.js';
import { delay } from '../core/clock.js';
import { Emitter, type Disposable } from '../core/emitter.js';
import { errorMessage, isXenkeysError } from '../core/errors.js';
import { isoWithZone } from '../core/iso-time.js';
import { isBootBanner } from '../console/input-target.js';
import { XenConsole } from '../console/xen-console.js';
import { ensurePrivateDir } from '../record/safe-files.js';
import { ReconnectingTransport } from '../transports/reconnecting.js';
import type { Transport } from '../transports/transport.js';
import type { ConsoleHub, HubStatus, WriterSeat } from './hub.js';
import type { IncidentPlan } from './incident.js';
import { IncidentDesk, type IncidentSummary } from './incident-desk.js';

export type { IncidentSummary } from './incident-desk.js';
import { ByteRing } from './ring.js';
import { SegmentRecorder, type SegmentPolicy } from './segments.js';
import { TriggerDetector, type TriggerOptions } from './triggers.js';
import type { WatchEvent } from './watch-events.js';
import { WriterSeats } from './writer-seat.js';

export interface WatchSettings {
  out: string;
  segments: SegmentPolicy;
  scrollbackBytes: number;
  triggers: TriggerOptions;
  /** Start an incident after this long without a byte (null: never). */
  silenceMs: number | null;
  cooldownMs: number;
  plan: IncidentPlan;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  version: string;
}

export interface ConsoleSpec {
  name: string;
  makeTransport: () => Transport | Promise<Transport>;
  /** Xen's conswitch= letter for this host (default: the plan's). */
  conswitch?: string;
}

export class WatchedConsole implements ConsoleHub {
  readonly name: string;
  readonly dir: string;
  private transport: ReconnectingTransport | null = null;
  private console: XenConsole | null = null;
  private readonly ring: ByteRing;
  private readonly recorder: SegmentRecorder;
  private readonly detector: TriggerDetector;
  private readonly seats = new WriterSeats(
    () => this.desk.running,
    (b) => this.write(b),
  );
  private readonly dataEmitter = new Emitter<Uint8Array>();
  private readonly noticeEmitter = new Emitter<string>();
  private readonly stopping = new AbortController();
  private connection: HubStatus['connection'] = 'reconnecting';
  private since: number;
  private lastOutputWall: number | null = null;
  private readonly desk: IncidentDesk;
  private silenceTimer: TimerHandle | null = null;
  private silenceFired = false;
  private running: Promise<void> = Promise.resolve();
  private readonly plan: IncidentPlan;
  readonly counts = { bytes: 0, lines: 0, reconnects: 0 };

  constructor(
    private readonly spec: ConsoleSpec,
    private readonly settings: WatchSettings,
    private readonly clock: Clock,
    private readonly emit: (event: WatchEvent) => void,
    private readonly onIncident: (summary: IncidentSummary) => void,
  ) {
    this.name = spec.name;
    this.dir = path.join(settings.out, spec.name);
    this.since = clock.wallNow();
    this.ring = new ByteRing(settings.scrollbackBytes);
    this.detector = new TriggerDetector(settings.triggers);
    this.plan = { ...settings.plan, conswitch: spec.conswitch ?? settings.plan.conswitch };
    this.desk = new IncidentDesk({
      name: this.name,
      dir: this.dir,
      out: settings.out,
      version: settings.version,
      plan: this.plan,
      cooldownMs: settings.cooldownMs,
      clock,
      ring: this.ring,
      signal: this.stopping.signal,
      emit,
      notice: (m) => this.noticeEmitter.fire(m),
      onIncident,
    });
    ensurePrivateDir(this.dir);
    ensurePrivateDir(path.join(this.dir, 'segments'));
    this.recorder = new SegmentRecorder({
      ...settings.segments,
      dir: path.join(this.dir, 'segments'),
      title: `xenkeys watch: ${spec.name}`,
      clock,
      onFailure: (error) =>
        this.emit({ type: 'write-failed', console: this.name, error: errorMessage(error) }),
    });
  }

  /** Builds the transport (a usage error surfaces here) and keeps it connected in the background. */
  async start(): Promise<void> {
    const inner = await this.spec.makeTransport();
    const { initialDelayMs, maxDelayMs } = this.settings.reconnect;
    const transport = new ReconnectingTransport(
      inner,
      { attempts: Infinity, initialDelayMs, maxDelayMs },
      this.clock,
    );
    const console = new XenConsole(transport, {
      clock: this.clock,
      conswitch: this.plan.conswitch,
      confirmWindowMs: this.plan.confirmTimeoutMs,
      quietMs: this.plan.timing.quietMs,
    });
    this.transport = transport;
    this.console = console;
    console.onEvent((event) => {
      if (event.type === 'output') this.received(event.bytes);
      this.desk.event(event);
      this.recorder.write(event);
    });
    console.onLine((line) => {
      this.counts.lines++;
      if (isBootBanner(line.text)) this.desk.booted();
      for (const d of this.detector.line(line)) this.desk.detected(console, d);
    });
    transport.onNotice((notice) => {
      if (notice.type === 'reconnecting' && this.connection === 'connected') {
        this.setConnection('reconnecting');
        this.emit({ type: 'lost', console: this.name, reason: notice.reason });
        this.noticeEmitter.fire(`line lost: ${notice.reason}; reconnecting`);
      } else if (notice.type === 'reconnected') {
        this.counts.reconnects++;
        this.setConnection('connected');
        this.emit({ type: 'reconnected', console: this.name, attempt: notice.attempt });
        this.noticeEmitter.fire('reconnected');
      }
    });
    this.running = this.connect(transport);
  }

  async stop(): Promise<void> {
    this.stopping.abort(new Error('interrupted: the watcher is stopping'));
    this.silenceTimer?.cancel();
    await this.running.catch(() => undefined);
    await this.desk.settled();
    await this.transport?.close('watch stopped').catch(() => undefined);
    this.setConnection('closed');
    this.console?.dispose();
    this.recorder.close();
    this.seats.dispose();
  }

  status(): HubStatus {
    return {
      name: this.name,
      target: this.transport?.description ?? '',
      connection: this.connection,
      since: isoWithZone(this.since),
      bytes: this.counts.bytes,
      lastOutputAt: this.lastOutputWall === null ? null : isoWithZone(this.lastOutputWall),
      input: this.console ? inputLabel(this.console.input.target) : '?',
      incidents: this.desk.written,
      incidentRunning: this.desk.running,
      writer: this.seats.holder,
      viewers: Math.max(0, this.dataEmitter.size - (this.seats.holder ? 1 : 0)),
    };
  }

  /** Incident folders written. */
  get incidents(): number {
    return this.desk.written;
  }

  /** Seconds since the last byte (since the start before the first), for the metrics. */
  lastOutputAgeSeconds(): number {
    return (this.clock.wallNow() - (this.lastOutputWall ?? this.since)) / 1000;
  }

  scrollback(maxBytes: number): Uint8Array {
    return this.ring.tail(maxBytes);
  }

  onData(listener: (bytes: Uint8Array) => void): Disposable {
    return this.dataEmitter.on(listener);
  }

  onNotice(listener: (message: string) => void): Disposable {
    return this.noticeEmitter.on(listener);
  }

  claimWriter(who: string): WriterSeat | null {
    return this.seats.claim(who);
  }

  /** The XenConsole (tests and the in-process attach use it to wait for lines). */
  get xen(): XenConsole | null {
    return this.console;
  }

  private async connect(transport: ReconnectingTransport): Promise<void> {
    let wait = this.settings.reconnect.initialDelayMs;
    for (;;) {
      try {
        await transport.open();
        break;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        // A usage error (a bad address, say) will not mend by waiting: say so once and give up.
        const retry = !isXenkeysError(error, 'usage');
        this.emit({
          type: 'connect-failed',
          console: this.name,
          error: errorMessage(error),
          retryInMs: retry ? wait : null,
        });
        if (!retry) return this.setConnection('closed');
        await delay(this.clock, wait, this.stopping.signal).catch(() => undefined);
        if (this.stopping.signal.aborted) return;
        wait = Math.min(wait * 2, this.settings.reconnect.maxDelayMs);
      }
    }
    this.setConnection('connected');
    this.emit({ type: 'connected', console: this.name, target: transport.description });
    this.armSilence();
  }

  private received(bytes: Uint8Array): void {
    this.counts.bytes += bytes.length;
    this.lastOutputWall = this.clock.wallNow();
    this.silenceFired = false;
    this.detector.output(this.clock.now());
    this.ring.push(bytes);
    this.dataEmitter.fire(bytes);
  }

  private async write(bytes: Uint8Array): Promise<void> {
    const console = this.console;
    if (!console) throw new Error('not connected yet');
    // Enter at dom0 runs a command; any key at Xen is a debug key (`w` replays Xen's ring): what
    // follows is their output, not news (provenance.ts).
    const atXen = console.input.target === 'xen';
    if (atXen || bytes.includes(0x0d) || bytes.includes(0x0a)) this.detector.commandTyped(this.clock.now());
    await console.send(bytes, 'keyboard');
  }

  private armSilence(): void {
    const silenceMs = this.settings.silenceMs;
    if (silenceMs === null || this.stopping.signal.aborted) return;
    const console = this.console!;
    const wait = Math.max(0, console.lastOutput + silenceMs - this.clock.now());
    this.silenceTimer = this.clock.setTimeout(
      () => {
        const quietFor = this.clock.now() - console.lastOutput;
        if (quietFor >= silenceMs && !this.silenceFired && console.isConnected) {
          this.silenceFired = true;
          const detection = {
            trigger: 'silence',
            message: `no output for ${Math.round(quietFor / 1000)} s`,
            offset: console.bytesReceived,
            ignored: null,
          };
          this.desk.detected(console, detection);
        }
        this.armSilence();
      },
      this.silenceFired ? silenceMs : wait,
    );
  }

  private setConnection(c: HubStatus['connection']): void {
    this.connection = c;
    this.since = this.clock.wallNow();
  }
}

function inputLabel(target: string): string {
  return target === 'unknown' ? '?' : target;
}
