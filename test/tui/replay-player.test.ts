// Replay timing with a fake clock: events come due at their times divided by the speed, pauses
// freeze the position, speed changes do not jump, idle gaps are cut, seeks say when to rebuild
// the screen, and marker steps walk forwards and backwards.

import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../src/core/session-event.js';
import { playbackTimes, ReplayPlayer } from '../../src/tui/replay-player.js';

class FakeClock {
  ms = 1_000;
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const out = (t: number, text: string): SessionEvent => ({
  type: 'output',
  t,
  bytes: Buffer.from(text),
  offset: 0,
});
const mark = (t: number, label: string): SessionEvent => ({ type: 'marker', t, label });
const texts = (events: SessionEvent[]): string[] =>
  events.map((e) =>
    e.type === 'output' ? Buffer.from(e.bytes).toString() : e.type === 'marker' ? `[${e.label}]` : e.type,
  );

const EVENTS: SessionEvent[] = [
  out(0, 'a'),
  mark(1, 'key q'),
  out(1.5, 'b'),
  mark(2, 'key q end'),
  out(12, 'c'),
  mark(13, 'key r'),
  out(14, 'd'),
];

describe('ReplayPlayer', () => {
  it('hands out events as their time comes, and says how long until the next', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer(EVENTS, clock);
    expect(texts(player.due())).toEqual(['a']);
    expect(player.msUntilNext()).toBe(1000);
    clock.advance(999);
    expect(player.due()).toEqual([]);
    clock.advance(501);
    expect(texts(player.due())).toEqual(['[key q]', 'b']);
    expect(player.msUntilNext()).toBe(500);
    clock.advance(20_000);
    expect(texts(player.due())).toEqual(['[key q end]', 'c', '[key r]', 'd']);
    expect(player.finished).toBe(true);
    expect(player.msUntilNext()).toBeNull();
    expect(player.position).toBe(14);
  });

  it('freezes while paused and goes on where it stopped', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer(EVENTS, clock);
    clock.advance(1200);
    player.pause();
    clock.advance(60_000);
    expect(player.position).toBeCloseTo(1.2);
    expect(player.msUntilNext()).toBeNull();
    expect(texts(player.due())).toEqual(['a', '[key q]']);
    player.toggle();
    clock.advance(300);
    expect(player.position).toBeCloseTo(1.5);
    expect(texts(player.due())).toEqual(['b']);
  });

  it('changes speed without a jump in position', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer(EVENTS, clock);
    clock.advance(1000);
    expect(player.stepSpeed(1)).toBe(2);
    expect(player.position).toBeCloseTo(1);
    clock.advance(250);
    expect(player.position).toBeCloseTo(1.5);
    expect(player.msUntilNext()).toBe(0);
    player.due();
    expect(player.msUntilNext()).toBeCloseTo(250); // key q end at 2 s, 0.5 s away at 2×
    player.setSpeed(0.5);
    expect(player.msUntilNext()).toBeCloseTo(1000);
    expect(player.stepSpeed(-1)).toBe(0.25);
    expect(player.stepSpeed(-1)).toBe(0.25);
  });

  it('at max speed hands out everything at once', () => {
    const player = new ReplayPlayer(EVENTS, new FakeClock(), { speed: Infinity });
    expect(player.msUntilNext()).toBe(0);
    expect(player.due()).toHaveLength(EVENTS.length);
    expect(player.msUntilNext()).toBeNull();
  });

  it('cuts idle gaps to the limit', () => {
    expect(playbackTimes(EVENTS, 2)).toEqual([0, 1, 1.5, 2, 4, 5, 6]);
    expect(playbackTimes(EVENTS, null)).toEqual([0, 1, 1.5, 2, 12, 13, 14]);
    // Times that go backwards never make playback go backwards.
    expect(playbackTimes([out(5, 'x'), out(3, 'y'), out(6, 'z')], null)).toEqual([5, 5, 6]);
    const clock = new FakeClock();
    const player = new ReplayPlayer(EVENTS, clock, { idleLimit: 2 });
    expect(player.duration).toBe(6);
    clock.advance(4000);
    expect(texts(player.due())).toEqual(['a', '[key q]', 'b', '[key q end]', 'c']);
  });

  it('seeks forward by handing out what lies between, and backward by starting over', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer(EVENTS, clock);
    player.due();
    const forward = player.seek(12);
    expect(forward.reset).toBe(false);
    expect(texts(forward.events)).toEqual(['[key q]', 'b', '[key q end]', 'c']);
    const back = player.seek(1.5);
    expect(back.reset).toBe(true);
    expect(texts(back.events)).toEqual(['a', '[key q]', 'b']);
    clock.advance(500);
    expect(texts(player.due())).toEqual(['[key q end]']);
    expect(player.seek(-5).events.map((e) => e.t)).toEqual([0]);
  });

  it('steps through markers, the previous one skipping a marker just passed', () => {
    const clock = new FakeClock();
    const player = new ReplayPlayer(EVENTS, clock);
    player.pause();
    const labels: string[] = [];
    for (let m = player.nextMarker(); m; m = player.nextMarker()) {
      labels.push(m.label);
      player.seek(m.time);
    }
    expect(labels).toEqual(['key q', 'key q end', 'key r']);
    expect(player.currentMarker()?.label).toBe('key r');
    expect(player.previousMarker()?.label).toBe('key q end');
    player.seek(2.5);
    expect(player.previousMarker()?.label).toBe('key q'); // 'key q end' is within the grace
    expect(player.previousMarker(0)?.label).toBe('key q end');
  });
});
