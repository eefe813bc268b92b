// report.json's `events` holds every alarm the Markdown and HTML show: dom0's own kernel panic is a
// `dom0-crash` event with the kernel's call trace, and the renderers show it once (from `events`).

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { alarmingEvents } from '../../src/report/view-platform.js';
import { NAMES, RECORDINGS } from './robust-helpers.js';

const ALARMING = new Set(['panic', 'fatal-trap', 'assertion', 'dom0-crash', 'watchdog']);

describe.each(NAMES)('recording %s', (name) => {
  it('every alarming event the renderers show is in report.json events', async () => {
    const report = reportFromRecording(
      await readRecording(path.join(RECORDINGS, name, 'session.cast')),
      'session.cast',
    );
    const json = JSON.parse(renderJson(report)) as { events: { type: string; message: string }[] };
    const shown = alarmingEvents(report).map((e) => e.message);
    expect(json.events.filter((e) => ALARMING.has(e.type)).map((e) => e.message)).toEqual(shown);
  });
});

describe('a dom0 kernel panic', () => {
  it('is a dom0-crash event with its call trace, shown once in the Markdown', async () => {
    const file = path.join(RECORDINGS, 'xen-4.17-dom0-panic-keys', 'session.cast');
    const report = reportFromRecording(await readRecording(file), 'session.cast');
    const panic = report.events.find((e) => e.type === 'dom0-crash');
    expect(panic).toMatchObject({ message: 'Kernel panic - not syncing: sysrq triggered crash', cpu: null });
    expect(panic?.callTrace?.map((t) => t.symbol)).toContain('sysrq_handle_crash');
    const md = renderMarkdown(report);
    // The finding's headline, the events' verdict and the event itself: once each.
    expect(md.match(/dom0 kernel panic/g)).toHaveLength(3);
  });
});
