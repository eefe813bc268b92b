// Replay timing, pure: where in a recording we are, given a clock, a speed and pauses; which
// events are due; how long until the next one; and seeks (to a time or a marker) that say whether
// the screen must be rebuilt from the start. No timers here: the caller schedules with msUntilNext().

import type { SessionEvent } from '../core/session-event.js';

export interface PlayerClock {
  /** Monotonic milliseconds. */
  now(): number;
}

export interface ReplayOptions {
  /** 1 is real time; Infinity plays everything at once. */
  speed?: number;
  /** Compress any gap longer than this many seconds to this (asciinema's idle_time_limit). */
  idleLimit?: number | null;
}

/** Speeds that +/- step through. */
export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4, 8, 16, 64, Infinity];

export interface SeekResult {
  /** True when the screen must be cleared and `events` replayed from the beginning. */
  reset: boolean;
  /** Events to apply at once, in order. */
  events: SessionEvent[];
}

export interface PlayerMarker {
  /** Index of the marker event. */
  index: number;
  /** Playback time (seconds, after idle compression). */
  time: number;
  label: string;
}

const EPSILON = 1e-6;

export class ReplayPlayer {
  readonly duration: number;
  readonly markers: readonly PlayerMarker[];
  private readonly times: number[];
  private next = 0;
  private anchorPosition = 0;
  private anchorWall: number;
  private playing = true;
  private rate: number;

  constructor(
    readonly events: readonly SessionEvent[],
    private readonly clock: PlayerClock,
    options: ReplayOptions = {},
  ) {
    this.rate = options.speed ?? 1;
    this.times = playbackTimes(events, options.idleLimit ?? null);
    this.duration = this.times.at(-1) ?? 0;
    this.markers = events.flatMap((event, index) =>
      event.type === 'marker' ? [{ index, time: this.times[index]!, label: event.label }] : [],
    );
    this.anchorWall = clock.now();
  }

  get speed(): number {
    return this.rate;
  }

  get paused(): boolean {
    return !this.playing;
  }

  /** Every event has been handed out. */
  get finished(): boolean {
    return this.next >= this.events.length;
  }

  /** Playback seconds (after idle compression), between 0 and duration. */
  get position(): number {
    if (!this.playing) return this.anchorPosition;
    if (this.rate === Infinity) return this.duration;
    const elapsed = ((this.clock.now() - this.anchorWall) / 1000) * this.rate;
    return Math.min(this.duration, this.anchorPosition + elapsed);
  }

  /** Events whose time has come and that were not handed out yet. */
  due(): SessionEvent[] {
    return this.takeUntil(this.position);
  }

  /** Wall-clock ms until the next event is due; null when paused or finished. */
  msUntilNext(): number | null {
    if (!this.playing || this.finished) return null;
    if (this.rate === Infinity) return 0;
    return Math.max(0, ((this.times[this.next]! - this.position) / this.rate) * 1000);
  }

  pause(): void {
    this.anchor();
    this.playing = false;
  }

  play(): void {
    this.anchor();
    this.playing = true;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Change speed without a jump in position. */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be positive, got ${speed}`);
    this.anchor();
    this.rate = speed;
  }

  /** Step to the next (+1) or previous (-1) speed in SPEEDS. */
  stepSpeed(direction: 1 | -1): number {
    const index = SPEEDS.findIndex((s) => s >= this.rate - EPSILON);
    const current = index < 0 ? SPEEDS.length - 1 : index;
    const target = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, current + direction))]!;
    this.setSpeed(target);
    return target;
  }

  /** Jump to playback time `time`; a jump backwards means replaying from the start. */
  seek(time: number): SeekResult {
    const target = Math.max(0, Math.min(this.duration, time));
    const lastShown = this.next > 0 ? this.times[this.next - 1]! : -Infinity;
    const reset = lastShown > target + EPSILON;
    if (reset) this.next = 0;
    const events = this.takeUntil(target);
    this.anchorPosition = target;
    this.anchorWall = this.clock.now();
    return { reset, events };
  }

  /** The first marker after the current position, or null. */
  nextMarker(): PlayerMarker | null {
    const position = this.position;
    return this.markers.find((m) => m.time > position + EPSILON) ?? null;
  }

  /**
   * The marker before the current position. Within `grace` seconds of a marker, the one before
   * it (as a player's "previous chapter" does), so pressing it repeatedly walks backwards.
   */
  previousMarker(grace = 0.75): PlayerMarker | null {
    const position = this.position;
    return this.markers.findLast((m) => m.time < position - grace) ?? null;
  }

  /** The most recent marker at or before the current position. */
  currentMarker(): PlayerMarker | null {
    const position = this.position;
    return this.markers.findLast((m) => m.time <= position + EPSILON) ?? null;
  }

  private takeUntil(position: number): SessionEvent[] {
    const out: SessionEvent[] = [];
    while (this.next < this.events.length && this.times[this.next]! <= position + EPSILON) {
      out.push(this.events[this.next]!);
      this.next++;
    }
    return out;
  }

  private anchor(): void {
    this.anchorPosition = this.position;
    this.anchorWall = this.clock.now();
  }
}

/** Playback time of each event: monotonic, with gaps over `idleLimit` cut down to it. */
export function playbackTimes(events: readonly SessionEvent[], idleLimit: number | null): number[] {
  const times: number[] = [];
  let previousT = 0;
  let time = 0;
  for (const event of events) {
    const gap = Math.max(0, event.t - previousT);
    time += idleLimit !== null && idleLimit > 0 ? Math.min(gap, idleLimit) : gap;
    previousT = Math.max(previousT, event.t);
    times.push(time);
  }
  return times;
}
