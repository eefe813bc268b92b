// A watcher in this process on simulated Xen consoles (real console rules, recorded key output),
// with short timings, and its events collected so tests can wait for them (never for time).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import type { SimScript } from '../../src/sim/xen-sim.js';
import { SimulatedXenTransport } from '../../src/sim/simulated-transport.js';
import type { Transport } from '../../src/transports/transport.js';
import { OSSTEST_KEYS } from '../../src/watch/incident.js';
import { BUILTIN_TRIGGERS } from '../../src/watch/triggers.js';
import type { StampedEvent } from '../../src/watch/watch-events.js';
import type { WatchSettings } from '../../src/watch/watched-console.js';
import { Watcher } from '../../src/watch/watcher.js';
import { tinyScript } from '../helpers/sim-console.js';

export function settings(out: string, overrides: Partial<WatchSettings> = {}): WatchSettings {
  return {
    out,
    segments: { maxBytes: 1 << 20, maxAgeMs: Infinity, keepMs: 0 },
    scrollbackBytes: 64 * 1024,
    triggers: { builtins: new Set(BUILTIN_TRIGGERS), patterns: [], commandQuietMs: 300 },
    silenceMs: null,
    cooldownMs: 60_000,
    plan: {
      keys: OSSTEST_KEYS,
      timing: { quietMs: 150, firstOutputMs: 600, capMs: 10_000 },
      settleMs: 150,
      settleCapMs: 5_000,
      confirmTimeoutMs: 1_500,
      conswitch: 'a',
    },
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    version: 'test',
    ...overrides,
  };
}

export class Events {
  readonly all: StampedEvent[] = [];
  private waiters: { match: (e: StampedEvent) => boolean; resolve: (e: StampedEvent) => void }[] = [];

  push = (e: StampedEvent): void => {
    this.all.push(e);
    for (const w of [...this.waiters]) {
      if (w.match(e)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(e);
      }
    }
  };

  /** The first event (already seen or still to come) matching. */
  next<T extends StampedEvent['type']>(
    type: T,
    match: (e: Extract<StampedEvent, { type: T }>) => boolean = () => true,
    after = 0,
  ): Promise<Extract<StampedEvent, { type: T }>> {
    const m = (e: StampedEvent): boolean => e.type === type && match(e as Extract<StampedEvent, { type: T }>);
    const seen = this.all.slice(after).find(m);
    if (seen) return Promise.resolve(seen as Extract<StampedEvent, { type: T }>);
    return new Promise((resolve) =>
      this.waiters.push({ match: m, resolve: resolve as (e: StampedEvent) => void }),
    );
  }

  of<T extends StampedEvent['type']>(type: T): Extract<StampedEvent, { type: T }>[] {
    return this.all.filter((e) => e.type === type) as Extract<StampedEvent, { type: T }>[];
  }
}

export interface SimWatch {
  watcher: Watcher;
  events: Events;
  out: string;
  transports: SimulatedXenTransport[];
}

export async function simWatch(
  names: string[] = ['sim'],
  overrides: Partial<WatchSettings> = {},
  options: { script?: SimScript; webhook?: string; transport?: (name: string) => Transport } = {},
): Promise<SimWatch> {
  const out = join(mkdtempSync(join(tmpdir(), 'xenkeys-watch-')), 'out');
  const events = new Events();
  const transports: SimulatedXenTransport[] = [];
  const specs = names.map((name) => ({
    name,
    makeTransport: (): Transport => {
      if (options.transport) return options.transport(name);
      const t = new SimulatedXenTransport({ script: options.script ?? tinyScript(), clock: systemClock });
      transports.push(t);
      return t;
    },
  }));
  const watcher = new Watcher(specs, settings(out, overrides), systemClock, {
    onEvent: events.push,
    ...(options.webhook ? { webhook: options.webhook } : {}),
  });
  await watcher.start();
  await Promise.all(names.map((n) => events.next('connected', (e) => e.console === n)));
  return { watcher, events, out, transports };
}

export const crlf = (lines: readonly string[]): string => lines.map((l) => `${l}\r\n`).join('');
