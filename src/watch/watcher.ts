// Many consoles from one process: each a WatchedConsole, all reporting into one event stream, and
// incidents forwarded to the webhook when there is one.

import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { ensurePrivateDir } from '../record/safe-files.js';
import type { StampedEvent, WatchEvent } from './watch-events.js';
import {
  WatchedConsole,
  type ConsoleSpec,
  type IncidentSummary,
  type WatchSettings,
} from './watched-console.js';
import { postIncident } from './webhook.js';

export interface WatcherOptions {
  webhook?: string;
  /** Each event, stamped with its UTC time. */
  onEvent: (event: StampedEvent) => void;
}

export class Watcher {
  readonly consoles: WatchedConsole[] = [];
  private readonly posts = new Set<Promise<void>>();

  constructor(
    specs: readonly ConsoleSpec[],
    private readonly settings: WatchSettings,
    private readonly clock: Clock,
    private readonly options: WatcherOptions,
  ) {
    ensurePrivateDir(settings.out);
    for (const spec of specs) {
      this.consoles.push(
        new WatchedConsole(
          spec,
          settings,
          clock,
          (e) => this.emit(e),
          (s) => this.incident(s),
        ),
      );
    }
  }

  emit(event: WatchEvent): void {
    this.options.onEvent({ time: new Date(this.clock.wallNow()).toISOString(), ...event });
  }

  /** Builds every transport (usage errors surface here); connections are made in the background. */
  async start(): Promise<void> {
    this.emit({ type: 'started', consoles: this.consoles.length, out: this.settings.out });
    for (const c of this.consoles) await c.start();
  }

  async stop(reason: string): Promise<void> {
    await Promise.all(this.consoles.map((c) => c.stop()));
    await Promise.all(this.posts);
    this.emit({ type: 'stopped', reason });
  }

  hub(name: string): WatchedConsole | undefined {
    return this.consoles.find((c) => c.name === name);
  }

  private incident(summary: IncidentSummary): void {
    const url = this.options.webhook;
    if (!url) return;
    const post = postIncident(url, { time: new Date(this.clock.wallNow()).toISOString(), ...summary })
      .catch((error: unknown) =>
        this.emit({ type: 'webhook-failed', console: summary.console, error: errorMessage(error) }),
      )
      .finally(() => this.posts.delete(post));
    this.posts.add(post);
  }
}
