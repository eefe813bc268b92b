// A Xen that has halted answers no switch: the incident notes it and no key is pressed again until
// the host boots. A line that drops is reconnected, the gap marked, and no byte is lost.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { FakeTransport } from '../../src/transports/fake.js';
import { Watcher } from '../../src/watch/watcher.js';
import { crlf, Events, settings, simWatch, type SimWatch } from './harness.js';
import { XEN_PANIC } from './fixtures.js';

let w: SimWatch | null = null;
afterEach(async () => {
  await w?.watcher.stop('test over');
  w = null;
});

it('a halted Xen is noted once and not pressed again; a new boot clears it', async () => {
  const fake = new FakeTransport({ description: 'halted host' });
  w = await simWatch(
    ['halted'],
    { cooldownMs: 0, plan: { ...settings('').plan, confirmTimeoutMs: 300 } },
    { transport: () => fake },
  );
  fake.emitData(crlf(["(XEN) Hardware Dom0 crashed: 'noreboot' set - not rebooting."]));
  const written = await w.events.next('incident-written');
  expect(written).toMatchObject({ trigger: 'dom0-panic', halted: true, keys: '' });
  await w.events.next('halted');
  // One switch triple went out, and nothing after it: a second could land after a late answer.
  expect(Buffer.from(fake.written).toString('latin1')).toBe('\x01\x01\x01');
  fake.emitData(crlf(XEN_PANIC));
  expect(await w.events.next('trigger', (e) => e.trigger === 'xen-panic')).toMatchObject({
    action: 'halted',
  });
  const incident = JSON.parse(readFileSync(join(w.out, written.folder, 'incident.json'), 'utf8'));
  expect(incident.warnings.join('\n')).toMatch(/halted/);
  fake.emitData(
    crlf(['(XEN) Xen version 4.17.7 (Debian 4.17.7) (pkg-xen-devel@lists.alioth.debian.org) (gcc) debug=n']),
  );
  const seen = w.events.all.length;
  fake.emitData(crlf(XEN_PANIC));
  expect(await w.events.next('trigger', () => true, seen)).toMatchObject({ action: 'incident' });
});

it('a dropped line is reopened, the gap marked, and every byte recorded', async () => {
  const fake = new FakeTransport({ description: 'flaky line' });
  w = await simWatch(['flaky'], {}, { transport: () => fake });
  const sent: string[] = [];
  const say = (s: string): void => {
    sent.push(s);
    fake.emitData(s);
  };
  say('(XEN) before the drop\r\n');
  fake.drop({ message: 'cable pulled' });
  await w.events.next('lost');
  await w.events.next('reconnected');
  say('(XEN) after the drop\r\n');
  const dir = join(w.out, 'flaky', 'segments');
  await w.watcher.stop('done');
  w = null;
  const raws = readdirSync(dir)
    .filter((f) => f.endsWith('.raw'))
    .sort();
  expect(Buffer.concat(raws.map((f) => readFileSync(join(dir, f)))).toString('latin1')).toBe(sent.join(''));
  const cast = readFileSync(join(dir, raws[0]!.replace(/raw$/, 'cast')), 'utf8');
  expect(cast).toMatch(/gap: connection lost: cable pulled/);
  expect(cast).toMatch(/gap: reconnected/);
});

it('a console that cannot be reached at the start is retried until it answers', async () => {
  const fake = new FakeTransport({ description: 'late host' });
  fake.failOpenWith('connect-failed', 'connection refused');
  const events = new Events();
  const out = join(mkdtempSync(join(tmpdir(), 'xenkeys-late-')), 'out');
  const watcher = new Watcher([{ name: 'late', makeTransport: () => fake }], settings(out), systemClock, {
    onEvent: events.push,
  });
  await watcher.start();
  const failed = await events.next('connect-failed');
  expect(failed).toMatchObject({ console: 'late', error: 'connection refused' });
  expect(failed.retryInMs).toBeGreaterThan(0);
  await events.next('connect-failed', () => true, events.all.indexOf(failed) + 1);
  fake.openError = undefined;
  await events.next('connected');
  await watcher.stop('done');
});
