// The incidents of one console: which trigger starts one (one at a time, a cooldown after each,
// none on a Xen that has halted), running it (incident.ts) and writing its folder
// (incident-files.ts), with the events and notices that say so.

import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { XenConsole } from '../console/xen-console.js';
import { runIncident, type IncidentPlan } from './incident.js';
import type { SessionEvent } from '../core/session-event.js';
import { IncidentFolder } from './incident-files.js';
import { countFindings } from './report-findings.js';
import type { ByteRing } from './ring.js';
import type { Detection } from './triggers.js';
import type { WatchEvent } from './watch-events.js';

export interface IncidentSummary {
  console: string;
  trigger: string;
  message: string;
  folder: string;
  keys: string;
  halted: boolean;
  findings: number;
}

export interface DeskContext {
  name: string;
  /** The console's folder, and the watch's --out (folders in events are relative to it). */
  dir: string;
  out: string;
  version: string;
  plan: IncidentPlan;
  cooldownMs: number;
  clock: Clock;
  ring: ByteRing;
  signal: AbortSignal;
  emit: (event: WatchEvent) => void;
  notice: (message: string) => void;
  onIncident: (summary: IncidentSummary) => void;
}

export class IncidentDesk {
  running = false;
  halted = false;
  written = 0;
  private cooldownUntil = -Infinity;
  private slice: IncidentFolder | null = null;
  private current: Promise<void> | null = null;

  constructor(private readonly ctx: DeskContext) {}

  /** Output and markers while an incident runs go to its slice.raw and its report too. */
  event(event: SessionEvent): void {
    this.slice?.event(event);
  }

  /** Resolves once no incident is running (the watcher waits for this before closing the line). */
  async settled(): Promise<void> {
    await this.current;
  }

  /** Xen booted again: it answers keys again. */
  booted(): void {
    this.halted = false;
  }

  detected(console: XenConsole, d: Detection): void {
    const base = { type: 'trigger' as const, console: this.ctx.name, trigger: d.trigger, message: d.message };
    if (d.ignored) return this.ctx.emit({ ...base, action: 'ignored', reason: d.ignored });
    if (this.running) return this.ctx.emit({ ...base, action: 'busy' });
    if (this.halted) return this.ctx.emit({ ...base, action: 'halted' });
    if (this.ctx.clock.now() < this.cooldownUntil) return this.ctx.emit({ ...base, action: 'cooldown' });
    this.ctx.emit({ ...base, action: 'incident' });
    this.running = true;
    this.ctx.notice(`incident (${d.trigger}): pressing debug keys; input is held until it ends`);
    this.current = this.incident(console, d).finally(() => (this.current = null));
  }

  private async incident(console: XenConsole, d: Detection): Promise<void> {
    const wall = this.ctx.clock.wallNow();
    let folder: IncidentFolder | null = null;
    try {
      folder = IncidentFolder.open(
        path.join(this.ctx.dir, 'incidents'),
        d.trigger,
        wall,
        this.ctx.ring.tail(),
        console.bytesReceived - this.ctx.ring.size,
        this.ctx.name,
      );
      this.slice = folder;
      const run = await runIncident(console, this.ctx.plan, this.ctx.signal);
      this.slice = null;
      const meta = {
        console: this.ctx.name,
        transport: {
          transport: console.transport.kind,
          description: console.transport.description,
          conswitch: this.ctx.plan.conswitch,
        },
        trigger: d.trigger,
        message: d.message,
        version: this.ctx.version,
      };
      await folder.finish(meta, run, console.input, this.ctx.clock.wallNow());
      this.endIncident();
      this.written++;
      if (run.halted) {
        this.halted = true;
        this.ctx.emit({
          type: 'halted',
          console: this.ctx.name,
          message: 'Xen answered no switch and no key: not pressing again until it boots',
        });
      }
      const summary = {
        console: this.ctx.name,
        trigger: d.trigger,
        message: d.message,
        folder: path.relative(this.ctx.out, folder.dir),
        keys: run.captures.map((c) => c.key).join(''),
        halted: run.halted,
        findings: countFindings(path.join(folder.dir, 'report.json')),
      };
      this.ctx.emit({
        type: 'incident-written',
        ...summary,
        inputRestored: run.inputRestored,
        error: run.error,
      });
      this.ctx.notice(`incident written: ${summary.folder}`);
      this.ctx.onIncident(summary);
    } catch (error) {
      this.slice = null;
      await folder?.abandon();
      this.endIncident();
      this.ctx.emit({
        type: 'write-failed',
        console: this.ctx.name,
        error: `incident: ${errorMessage(error)}`,
      });
    }
  }

  /** Writers may type again; the cooldown starts. */
  private endIncident(): void {
    if (!this.running) return;
    this.running = false;
    this.cooldownUntil = this.ctx.clock.now() + this.ctx.cooldownMs;
  }
}
