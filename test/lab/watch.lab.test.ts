// The watcher on real Xen 4.17 (QEMU's TCP serial): dom0 is made to panic (dom0 booted with
// panic=300, so Xen keeps answering) by a command typed at dom0 through the watcher's read-write
// seat, and an incident folder appears with the post-mortem keys and a dom0 panic finding. Before
// that, the line between the watcher and the console server is cut in the middle of output and the
// recording still holds every byte QEMU logged (checked against QEMU's own log). The console server
// is a small proxy that stays connected to QEMU and buffers while the watcher is away, as ser2net or
// conserver do; the watcher runs in this process (the code `xenkeys watch` runs) so the test can
// hold its writer seat.

import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { TcpTransport } from '../../src/transports/tcp.js';
import { Watcher } from '../../src/watch/watcher.js';
import { Events, settings } from '../watch/harness.js';
import { OSSTEST_KEYS } from '../../src/watch/incident.js';
import { startXenLab, type XenLab } from './xen-lab.js';

/** A console server: one connection to QEMU for its whole life, buffering while no client is on. */
async function consoleServer(
  qemuPort: number,
): Promise<{ port: number; cut(): void; server: Server; upstream: Socket }> {
  const upstream = connect(qemuPort, '127.0.0.1');
  await once(upstream, 'connect');
  let client: Socket | null = null;
  let held: Buffer[] = [];
  upstream.on('data', (b: Buffer) => (client ? client.write(b) : held.push(b)));
  const server = createServer((c) => {
    client?.destroy();
    client = c;
    for (const b of held) c.write(b);
    held = [];
    c.on('data', (b: Buffer) => upstream.write(b));
    const gone = (): void => {
      if (client === c) client = null;
    };
    c.on('close', gone).on('error', gone);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { port, server, upstream, cut: () => client?.destroy() };
}

let lab: XenLab;
beforeAll(async () => {
  lab = await startXenLab({ serial: 'tcp', dom0Args: ['panic=300'] });
});
afterAll(async () => {
  await lab?.stop();
});

it('a dom0 panic typed at dom0 becomes an incident with the post-mortem keys; a cut line loses no byte', async () => {
  const server = await consoleServer(lab.tcpPort!);
  const logAtConnect = lab.log().length;
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'xk-lab-watch-')), 'watch');
  const events = new Events();
  const watcher = new Watcher(
    [{ name: 'lab', makeTransport: () => new TcpTransport({ address: `127.0.0.1:${server.port}` }) }],
    settings(out, {
      plan: {
        keys: OSSTEST_KEYS,
        timing: { quietMs: 1_000, firstOutputMs: 10_000, capMs: 120_000 },
        settleMs: 2_000,
        settleCapMs: 60_000,
        confirmTimeoutMs: 5_000,
        conswitch: 'a',
      },
      reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 },
      triggers: {
        builtins: new Set(['dom0-panic', 'xen-panic', 'soft-lockup', 'rcu-stall', 'hung-task']),
        patterns: [],
        commandQuietMs: 2_000,
      },
    }),
    systemClock,
    { onEvent: events.push },
  );
  try {
    await watcher.start();
    await events.next('connected');
    const hub = watcher.hub('lab')!;
    const xen = hub.xen!;
    const seat = hub.claimWriter('lab test')!;
    const line = (re: RegExp, what: string) =>
      xen.waitForLine((l) => re.test(l.text), { timeoutMs: 60_000, what });

    // dmesg prints a few hundred lines; the line is cut once the first are in.
    const firstLines = line(/^\[\s*\d+\.\d+\]/, 'dmesg output');
    await seat.write(Buffer.from('dmesg\r'));
    await firstLines;
    server.cut();
    await events.next('lost');
    await events.next('reconnected');
    const done = line(/dmesg-2-done/, 'the marker after dmesg');
    await seat.write(Buffer.from('echo dmesg-$((1+1))-done\r'));
    await done;
    expect(events.of('trigger')).toEqual([]); // dmesg's old lines start nothing

    // The panic, typed at dom0 through the seat.
    await seat.write(Buffer.from('echo c > /proc/sysrq-trigger\r'));
    const trigger = await events.next('trigger');
    expect(trigger).toMatchObject({ trigger: 'dom0-panic', action: 'incident' });
    const written = await events.next('incident-written');
    seat.dispose();
    expect(written).toMatchObject({
      console: 'lab',
      trigger: 'dom0-panic',
      halted: false,
      inputRestored: true,
      error: null,
    });
    // The lab's Xen has every key of the plan (its `h` list: recordings/xen-4.17-boot-and-keys).
    expect(written.keys).toBe(`h${OSSTEST_KEYS}`);

    const folder = path.join(out, written.folder);
    const captures = JSON.parse(readFileSync(path.join(folder, 'captures.json'), 'utf8'));
    const slice = readFileSync(path.join(folder, 'slice.raw'));
    const q = captures.captures.find((c: { key: string }) => c.key === 'q');
    expect(slice.subarray(q.rawStart, q.rawEnd).toString('latin1')).toMatch(
      /General information for domain 0/,
    );
    expect(slice.toString('latin1')).toContain('Kernel panic - not syncing: sysrq triggered crash');
    const report = JSON.parse(readFileSync(path.join(folder, 'report.json'), 'utf8'));
    const headlines = report.findings
      .map((f: { id: string; headline: string }) => `${f.id}: ${f.headline}`)
      .join('\n');
    expect(headlines).toMatch(/dom0-panic: .*sysrq triggered crash/);
    expect(hub.status().input).toBe('dom0');
  } finally {
    await watcher.stop('test over');
    server.server.close();
    server.upstream.destroy();
  }
  // Every byte QEMU logged since the console server connected is in the segments, in order.
  const segDir = path.join(out, 'lab', 'segments');
  const joined = Buffer.concat(
    readdirSync(segDir)
      .filter((f) => f.endsWith('.raw'))
      .sort()
      .map((f) => readFileSync(path.join(segDir, f))),
  );
  const log = lab.log();
  const start = log.indexOf(joined.subarray(0, 256), Math.max(0, logAtConnect - 4096));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(log.subarray(start).equals(joined)).toBe(true);
  expect(events.of('lost')).toHaveLength(1);
});
