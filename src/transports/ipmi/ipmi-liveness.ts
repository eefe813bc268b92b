// Noticing a BMC that stopped answering, in bounded time: after `idleMs` without a byte from the
// SOL session, probe the BMC (ipmi-probe.ts); a silent BMC is reported at most idleMs + the probe's
// attempts × intervalMs after its last byte (10 s + 5 s by default). Any byte, or a reply, resets it.

import type { Clock, TimerHandle } from '../../core/clock.js';
import { silentMessage } from './ipmi-attempt.js';
import { probeBmc, type ProbeResult } from './ipmi-probe.js';

export interface LivenessOptions {
  /** Probe after this long without a byte from the session. */
  idleMs: number;
  /** Datagrams the probe sends, one per interval, before calling the BMC silent. */
  attempts: number;
  intervalMs: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { idleMs: 10_000, attempts: 5, intervalMs: 1_000 };

/** The longest a dead BMC goes unnoticed after its last byte. */
export function livenessBoundMs(o: LivenessOptions): number {
  return o.idleMs + o.attempts * o.intervalMs;
}

export class LivenessMonitor {
  private last: number;
  private timer: TimerHandle | null = null;
  private probing: AbortController | null = null;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly options: LivenessOptions,
    private readonly probe: (signal: AbortSignal) => Promise<ProbeResult>,
    private readonly onSilent: () => void,
  ) {
    this.last = clock.now();
    this.schedule(options.idleMs);
  }

  /** The session showed signs of life. Cheap: called for every chunk. */
  activity(): void {
    this.last = this.clock.now();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.probing?.abort();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.check(), Math.max(0, ms));
  }

  private async check(): Promise<void> {
    this.timer = null;
    const idle = this.clock.now() - this.last;
    if (idle < this.options.idleMs) return this.schedule(this.options.idleMs - idle);
    this.probing = new AbortController();
    const result = await this.probe(this.probing.signal);
    this.probing = null;
    if (this.stopped) return;
    if (result === 'silent' && this.clock.now() - this.last >= this.options.idleMs) {
      this.stopped = true;
      this.onSilent();
      return;
    }
    if (result === 'alive') this.last = this.clock.now();
    // 'unknown' (the probe could not run) says nothing about the BMC: look again a full idle later.
    const since = result === 'unknown' ? 0 : this.clock.now() - this.last;
    this.schedule(this.options.idleMs - since);
  }
}

/** Watches one BMC for a SOL session; `onSilent` gets the message to report. */
export function watchBmc(
  clock: Clock,
  options: LivenessOptions,
  bmc: { describe: string; host: string; port: number },
  onSilent: (message: string) => void,
): LivenessMonitor {
  const { attempts, intervalMs } = options;
  const what = `no SOL data for ${options.idleMs / 1000} s, then no reply to`;
  return new LivenessMonitor(
    clock,
    options,
    (signal) => probeBmc(bmc.host, bmc.port, { attempts, intervalMs, signal }),
    () => onSilent(silentMessage(bmc.describe, what, attempts, intervalMs)),
  );
}
