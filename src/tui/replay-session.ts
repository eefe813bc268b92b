// `xenkeys replay FILE` on a terminal: a recording played into the same shell as the live console,
// timed by ReplayPlayer (pure) and scheduled here. The side panel follows the play position with
// the captures re-cut from the recording's own key markers.

import type { InputTarget } from '../console/input-target.js';
import { capturesFromEvents } from '../pipeline/session-fold.js';
import type { KeyCapture } from '../console/key-runner.js';
import type { SessionEvent } from '../core/session-event.js';
import { parseMarker } from '../record/markers.js';
import { replayHelp } from './help-text.js';
import { decodeKeys, isControlByte } from './key-decoder.js';
import { menu, prompt } from './overlay-model.js';
import { ReplayPlayer, type PlayerMarker } from './replay-player.js';
import { formatSpeed, replayAction, type ReplayAction } from './replay-keys.js';
import { parsedCaptureView } from './parsed-view.js';
import type { ReportViewBuilder } from './report-view.js';
import { escapeTags, inputSegment, type Segment } from './status-line.js';
import { TuiShell } from './tui-shell.js';

export interface ReplaySessionOptions {
  events: readonly SessionEvent[];
  /** The file's name, for the banner. */
  name: string;
  title?: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  prefix: number;
  speed: number;
  idleLimit: number | null;
  reportView?: ReportViewBuilder;
}

export class ReplaySession {
  private readonly shell: TuiShell;
  private readonly player: ReplayPlayer;
  private readonly captures: KeyCapture[];
  private readonly reportView: ReportViewBuilder;
  private timer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private target: InputTarget = 'unknown';
  private marker: string | null = null;
  private lastT = 0;
  private shownCapture: KeyCapture | null = null;
  private armed = false;
  private finish: (() => void) | null = null;
  private endAnnounced = false;

  constructor(private readonly options: ReplaySessionOptions) {
    this.player = new ReplayPlayer(
      options.events,
      { now: () => performance.now() },
      {
        speed: options.speed,
        idleLimit: options.idleLimit,
      },
    );
    this.captures = capturesFromEvents(options.events).captures;
    this.reportView = options.reportView ?? parsedCaptureView;
    this.shell = new TuiShell({
      stdin: options.stdin,
      stdout: options.stdout,
      prefix: options.prefix,
      banner: () => ({
        markup: ` {bold}replay{/bold} · ${escapeTags(options.name)}${options.title ? ` · ${escapeTags(options.title)}` : ''} · ? help`,
        style: 'replay',
      }),
      segments: () => this.segments(),
      onKeys: (chunk) => this.onKeys(chunk),
    });
  }

  run(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    this.shell.start();
    // The position in the status line moves even between events.
    this.ticker = setInterval(
      () => !this.player.paused && !this.player.finished && this.shell.refresh(),
      250,
    );
    this.tick();
    return done;
  }

  private tick(): void {
    this.timer = null;
    this.apply(this.player.due());
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ms = this.player.msUntilNext();
    // Capped to setTimeout's range: beyond it Node fires at once and the player would spin.
    if (ms !== null) this.timer = setTimeout(() => this.tick(), Math.min(ms, 2 ** 31 - 1));
    else if (this.player.finished && !this.endAnnounced) {
      this.endAnnounced = true;
      this.shell.flash('end of recording: N or [ goes back, g to the start, q quits', 'info', 60_000);
    }
    this.shell.refresh();
  }

  private apply(events: readonly SessionEvent[]): void {
    for (const event of events) {
      this.lastT = event.t;
      if (event.type === 'output') void this.shell.output(event.bytes);
      else if (event.type === 'marker') {
        this.marker = event.label;
        const marker = parseMarker(event.label);
        if (marker.type === 'input') this.target = asTarget(marker.target);
        else if (marker.type === 'gap') this.target = 'unknown';
      }
    }
    this.followCapture();
  }

  private followCapture(): void {
    const capture = this.captures.findLast((c) => c.start <= this.lastT + 1e-6) ?? null;
    if (capture === this.shownCapture) return;
    this.shownCapture = capture;
    this.shell.setSideView(capture ? this.reportView(capture) : null, false);
  }

  private seek(time: number): void {
    const result = this.player.seek(time);
    if (result.reset) {
      void this.shell.terminal.reset();
      this.target = 'unknown';
      this.marker = null;
      this.lastT = 0;
    }
    this.endAnnounced = false;
    this.apply(result.events);
    this.schedule();
  }

  private toMarker(marker: PlayerMarker | null, what: string): void {
    if (!marker) return this.shell.flash(`no ${what} marker`, 'warn');
    this.seek(marker.time);
  }

  private onKeys(chunk: Uint8Array): void {
    let used = 0;
    for (const key of decodeKeys(chunk)) {
      used += key.size;
      if (this.armed) {
        this.armed = false;
        if (key.name === 'char' && key.ch === 'q') return this.quit();
      }
      if (isControlByte(key, this.options.prefix)) {
        this.armed = true;
        continue;
      }
      const action = replayAction(key);
      if (action) this.act(action).catch((error: unknown) => this.shell.flash(String(error), 'alert'));
      // The rest of the read belongs to what the action opened (a menu, a prompt).
      if (this.shell.overlays.isOpen || this.shell.scroll) return this.shell.input(chunk.subarray(used));
    }
  }

  private async act(action: ReplayAction): Promise<void> {
    const player = this.player;
    switch (action) {
      case 'toggle':
        player.toggle();
        return this.schedule();
      case 'faster':
      case 'slower':
        player.stepSpeed(action === 'faster' ? 1 : -1);
        return this.schedule();
      case 'next-marker':
        return this.toMarker(player.nextMarker(), 'next');
      case 'previous-marker':
        return this.toMarker(player.previousMarker(), 'previous');
      case 'start':
        return this.seek(0);
      case 'side-panel':
        return this.shell.toggleSide();
      case 'help':
        return this.shell.overlays.showText('replay help', replayHelp());
      case 'quit':
        return this.quit();
      case 'jump':
        return this.jumpMenu();
      case 'search': {
        player.pause();
        this.schedule();
        const query = await this.shell.overlays.ask(prompt('search scrollback (empty: just scroll)'));
        if (query === null) return;
        if (!this.shell.scrollback(query)) this.shell.flash(`not found: ${query}`, 'warn');
        return this.shell.refresh();
      }
    }
  }

  private async jumpMenu(): Promise<void> {
    const keys = this.player.markers.filter((m) => parseMarker(m.label).type === 'key-start');
    if (keys.length === 0) return this.shell.flash('this recording has no key markers', 'warn');
    const items = keys.map((m) => {
      const marker = parseMarker(m.label);
      return {
        ...(marker.type === 'key-start' ? { hotkey: marker.key } : {}),
        label: m.label,
        detail: `at ${m.time.toFixed(1)} s`,
        value: m,
      };
    });
    const chosen = await this.shell.overlays.choose(
      menu('jump to a key', items, "a key's capture starts at its marker"),
    );
    if (chosen) {
      this.seek(chosen.time);
      this.shell.toggleSide(true);
    }
  }

  private quit(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.ticker) clearInterval(this.ticker);
    this.timer = null;
    this.shell.stop();
    this.finish?.();
  }

  private segments(): Segment[] {
    const p = this.player;
    const state = p.finished ? '■ end' : p.paused ? '⏸ paused' : '▶ playing';
    const segments: Segment[] = [
      inputSegment(this.target),
      { text: `${state} ${formatSpeed(p.speed)}`, style: p.paused ? 'warn' : 'info', priority: 1 },
      { text: `${p.position.toFixed(1)} / ${p.duration.toFixed(1)} s`, style: 'plain', priority: 2 },
    ];
    if (this.marker) segments.push({ text: `marker: ${this.marker}`, style: 'plain', priority: 3 });
    segments.push({ text: 'space n/N j s / ? q', style: 'dim', priority: 6 });
    return segments;
  }
}

function asTarget(text: string): InputTarget {
  return text === 'xen' ? 'xen' : /^dom\d+$/.test(text) ? (text as `dom${number}`) : 'unknown';
}
