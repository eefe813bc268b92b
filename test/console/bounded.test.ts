// Memory stays bounded whatever one key prints: a key's text is kept up to MAX_CAPTURE_TEXT (the
// rest is in session.raw by byte range; one endless line is cut into pieces: test/pipeline). Plus: an `h` typed
// by hand at verified Xen is learnt once its output goes quiet, without waiting for another line.

import { describe, expect, it } from 'vitest';
import { captureKey, MAX_CAPTURE_TEXT } from '../../src/console/key-runner.js';
import { switchTo } from '../../src/console/switcher.js';
import { XenConsole } from '../../src/console/xen-console.js';
import { systemClock } from '../../src/core/clock.js';
import { FakeTransport } from '../../src/transports/fake.js';
import { simConsole } from '../helpers/sim-console.js';

const TO_XEN = "(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)\r\n";

describe('bounded memory', () => {
  it('keeps a huge key output in the raw log by byte range, and only the first MiBs as text', async () => {
    const fake = new FakeTransport();
    const console = new XenConsole(fake, { clock: systemClock });
    await fake.open();
    const line = `(XEN) ${'x'.repeat(1000)}\r\n`;
    const chunk = line.repeat(1024); // ~1 MiB
    fake.onWrite = (bytes) => {
      if (bytes[0] === 1) return void setTimeout(() => fake.emitData(TO_XEN), 1);
      // The key: 24 MiB of output, in 1 MiB chunks, then silence.
      for (let i = 0; i < 24; i++) setTimeout(() => fake.emitData(chunk), 1);
    };
    await switchTo(console, 'xen', { settleMs: 20 });
    const c = await captureKey(console, 'q', {
      timing: { quietMs: 200, firstOutputMs: 2_000, capMs: 60_000 },
    });
    expect(c.endReason).toBe('quiet');
    expect(c.bytes).toBe(24 * chunk.length);
    expect(c.rawEnd - c.rawStart).toBe(c.bytes);
    expect(c.lines).toBe(24 * 1024);
    expect(c.textTruncated).toBe(true);
    expect(c.text.length).toBeLessThanOrEqual(MAX_CAPTURE_TEXT + line.length);
  });
});

describe('an h typed by hand at Xen', () => {
  it('teaches the key list once its output goes quiet', async () => {
    const { console } = await simConsole();
    const quiet = new XenConsole(console.transport, { clock: systemClock, quietMs: 50 });
    await switchTo(quiet, 'xen', { settleMs: 20 });
    expect(quiet.catalog.known).toBe(false);
    const learnt = new Promise<void>((resolve) => quiet.onState(() => quiet.catalog.known && resolve()));
    await quiet.send(Buffer.from('h'), 'keyboard');
    await learnt;
    expect(quiet.catalog.describe('q')).toBe('dump domain (and guest debug) info');
  });
});
