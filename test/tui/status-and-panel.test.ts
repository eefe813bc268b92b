// The status line (input target first and always, the rest by priority when narrow) and the
// side panel's view of a capture (counts, first lines, tabs expanded, columns aligned).

import { describe, expect, it } from 'vitest';
import { initialInputState } from '../../src/console/input-target.js';
import type { KeyCapture } from '../../src/console/key-runner.js';
import { liveBanner, liveSegments, type LiveStatus } from '../../src/tui/live-status.js';
import { captureView, capturesView, expandTabs, formatView } from '../../src/tui/report-view.js';
import {
  composeStatus,
  escapeTags,
  formatBytes,
  inputSegment,
  type Segment,
} from '../../src/tui/status-line.js';

/** The status text without blessed tags. */
const plain = (markup: string): string =>
  markup.replace(/\{\/?([a-z-]+)\}/g, (_m, name: string) =>
    name === 'open' ? '{' : name === 'close' ? '}' : '',
  );

describe('status line', () => {
  const segments: Segment[] = [
    inputSegment('xen'),
    { text: 'tcp 127.0.0.1:4555', style: 'plain', priority: 5 },
    { text: '● rec out/session.cast 1.2 KB', style: 'warn', priority: 4 },
    { text: 'Ctrl-] ? help', style: 'dim', priority: 8 },
  ];

  it('reads input: XEN / DOM0 / ? and shows everything when it fits', () => {
    expect(plain(composeStatus(segments, 120))).toBe(
      ' input: XEN  │ tcp 127.0.0.1:4555 │ ● rec out/session.cast 1.2 KB │ Ctrl-] ? help',
    );
    expect(inputSegment('dom0').text).toBe(' input: DOM0 ');
    expect(inputSegment('dom3').text).toBe(' input: DOM3 ');
    expect(inputSegment('unknown').text).toBe(' input: ? ');
  });

  it('drops the least important first and keeps what still fits', () => {
    const text = plain(composeStatus(segments, 50));
    expect(text).toBe(' input: XEN  │ ● rec out/session.cast 1.2 KB');
    expect(plain(composeStatus(segments, 61))).toBe(
      ' input: XEN  │ ● rec out/session.cast 1.2 KB │ Ctrl-] ? help',
    );
    expect(plain(composeStatus(segments, 66))).toBe(
      ' input: XEN  │ tcp 127.0.0.1:4555 │ ● rec out/session.cast 1.2 KB',
    );
  });

  it('cuts an urgent message to fit instead of hiding it', () => {
    const urgent: Segment = {
      text: 'held back: cursor and function keys are not sent to Xen',
      style: 'warn',
      priority: 2,
    };
    const text = plain(composeStatus([inputSegment('xen'), urgent], 40));
    expect(text).toHaveLength(40);
    expect(text).toMatch(/^ input: XEN {2}│ held back: cursor and f.*…$/);
    expect(plain(composeStatus([inputSegment('unknown')], 5))).toBe(' inp…');
  });

  it('escapes braces so console text cannot inject blessed tags', () => {
    expect(escapeTags('{bold}x{/bold}')).toBe('{open}bold{close}x{open}/bold{close}');
    expect(plain(composeStatus([{ text: 'a{b}', style: 'plain', priority: 0 }], 20))).toBe('a{b}');
    expect([formatBytes(10), formatBytes(2048), formatBytes(3 << 20)]).toEqual(['10 B', '2.0 KB', '3.0 MB']);
  });
});

describe('live status', () => {
  const base: LiveStatus = {
    console: {
      input: { ...initialInputState(), target: 'dom0' },
      switchCode: 1,
      transport: { description: 'serial /dev/ttyUSB0 115200 8N1' } as LiveStatus['console']['transport'],
    },
    prefix: 0x1d,
    simulated: false,
    recording: { path: '/srv/out/session.cast', bytes: 4096 },
    reconnecting: null,
    lost: false,
    running: null,
    armed: false,
  };

  it('shows target, connection with its line settings, switch key and recording', () => {
    expect(plain(composeStatus(liveSegments(base), 200))).toBe(
      ' input: DOM0  │ serial /dev/ttyUSB0 115200 8N1 │ switch Ctrl-A×3 │ ● rec out/session.cast 4.0 KB │ Ctrl-] ? help',
    );
    expect(liveBanner(base.console, 0x1d, undefined).markup).toContain('serial /dev/ttyUSB0 115200 8N1');
    expect(liveBanner(base.console, 0x1d, { source: 'rec' }).markup).toContain('SIMULATED Xen console');
  });

  it('puts reconnecting…, a running capture and the armed prefix before the connection', () => {
    const text = plain(
      composeStatus(
        liveSegments({
          ...base,
          reconnecting: 'reconnecting… (attempt 2)',
          running: 'capturing q',
          simulated: true,
        }),
        100,
      ),
    );
    expect(text).toBe(
      ' input: DOM0  │ SIMULATED │ reconnecting… (attempt 2) │ capturing q │ ● rec out/session.cast 4.0 KB',
    );
    expect(plain(composeStatus(liveSegments({ ...base, armed: true }), 200))).toContain(
      'Ctrl-] … x switch k keys',
    );
    expect(plain(composeStatus(liveSegments({ ...base, recording: null }), 200))).toContain('not recording');
  });
});

const capture = (key: string, lines: string[]): KeyCapture => ({
  key,
  description: key === 'r' ? 'dump run queues' : 'dump domain (and guest debug) info',
  start: 10,
  firstOutput: 10.01,
  end: 11.25,
  rawStart: 0,
  rawEnd: 100,
  bytes: 100,
  lines: lines.length,
  text: lines.join('\n'),
  endReason: 'quiet',
});

describe('side panel view', () => {
  it('shows key, description, counts and the first lines of a capture', () => {
    const lines = Array.from({ length: 45 }, (_, i) => `(XEN) line ${i}`);
    const view = captureView(capture('q', lines));
    expect(view.title).toBe('key q: dump domain (and guest debug) info');
    expect(view.sections[0]!.rows).toEqual([
      ['lines', '45'],
      ['bytes', '100'],
      ['took', '1.3 s'],
      ['ended', 'quiet'],
    ]);
    expect(view.sections[1]!.rows.at(-1)).toEqual(['… 5 more lines']);
    const text = formatView(view, 30);
    expect(text.slice(0, 2)).toEqual(['key q: dump domain (and guest', 'debug) info']);
    expect(text).toContain('lines  45');
    expect(text.every((l) => [...l].length <= 30)).toBe(true);
  });

  it('expands tabs as a terminal does, and lists a preset newest first', () => {
    expect(expandTabs('(XEN) \tdefault-weight')).toBe('(XEN)   default-weight');
    expect(expandTabs('a\tb\tc')).toBe('a       b       c');
    const view = capturesView(
      'preset quick: 2/3 keys',
      [capture('q', ['x']), capture('r', ['y'])],
      captureView,
    );
    expect(view.sections.map((s) => s.heading)).toEqual([
      'key r: dump run queues — capture',
      'key r: dump run queues — first lines',
      'key q: dump domain (and guest debug) info — capture',
      'key q: dump domain (and guest debug) info — first lines',
    ]);
  });
});
