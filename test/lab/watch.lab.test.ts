// `xenkeys watch --tcp` on real Xen 4.17 (QEMU's TCP serial, dom0 booted with panic=300 so Xen keeps
// answering after dom0 panics). The test types at dom0 through an attached read-write client
// (`AttachTransport`, what `connect --attach` uses) while a read-only viewer watches: a dom0 panic
// typed at dom0 becomes an incident folder with the post-mortem keys and a dom0 panic finding.
// Before that, the line between the watcher and the console server is cut in the middle of output,
// and the recording still holds every byte QEMU logged (checked against QEMU's own log). The console
// server is a small proxy that stays connected to QEMU and buffers while the watcher is away, as
// ser2net or conserver do.

import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { askStatus } from '../../src/watch/attach-client.js';
import { OSSTEST_KEYS } from '../../src/watch/incident.js';
import { startCli } from '../helpers/run-cli.js';
import { attachClient } from '../watch/attach-helpers.js';
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

it('a dom0 panic typed through an attached client becomes an incident with the post-mortem keys; a cut line loses no byte', async () => {
  const server = await consoleServer(lab.tcpPort!);
  const logAtConnect = lab.log().length;
  const base = mkdtempSync(path.join(os.tmpdir(), 'xk-lab-watch-'));
  const out = path.join(base, 'watch');
  const dir = path.join(base, 'xenkeys');
  const run = startCli(
    ['watch', '--tcp', `127.0.0.1:${server.port}`, '--name', 'lab', '--out', out, '--reconnect-max', '1s'],
    { env: { XDG_RUNTIME_DIR: base } },
  );
  const events = (): { type: string; [k: string]: unknown }[] =>
    run
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  try {
    await run.waitForOutput(/"type":"connected"/, 30_000);
    const rw = attachClient({ name: 'lab', mode: 'rw', dir, who: 'lab test' });
    const ro = attachClient({ name: 'lab', mode: 'ro', dir, who: 'viewer' });
    await rw.transport.open();
    await ro.transport.open();
    const type = (line: string): Promise<void> => rw.transport.write(Buffer.from(`${line}\r`));

    // dmesg prints a few hundred lines; the line is cut once the first are in.
    await type('dmesg');
    await rw.waitFor(/\[\s*\d+\.\d+\] Linux version/);
    server.cut();
    await run.waitForOutput(/"type":"lost"/, 30_000);
    await run.waitForOutput(/"type":"reconnected"/, 30_000);
    await type('echo dmesg-$((1+1))-done');
    await rw.waitFor('dmesg-2-done');
    expect(events().filter((e) => e.type === 'trigger')).toEqual([]); // dmesg's old lines start nothing

    // The panic, typed at dom0 through the read-write seat; the viewer sees it too.
    await type('echo c > /proc/sysrq-trigger');
    await run.waitForOutput(/"type":"incident-written"/, 240_000);
    await ro.waitFor('Kernel panic - not syncing: sysrq triggered crash');
    const trigger = events().find((e) => e.type === 'trigger');
    expect(trigger).toMatchObject({ trigger: 'dom0-panic', action: 'incident' });
    const written = events().find((e) => e.type === 'incident-written')!;
    expect(written).toMatchObject({
      console: 'lab',
      trigger: 'dom0-panic',
      halted: false,
      inputRestored: true,
      error: null,
    });
    // The lab's Xen has every key of the plan (its `h` list: recordings/xen-4.17-boot-and-keys).
    expect(written['keys']).toBe(`h${OSSTEST_KEYS}`);
    expect(ro.said()).toMatch(/incident/);

    const folder = path.join(out, String(written['folder']));
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
    expect((await askStatus(dir, 'lab')).input).toBe('dom0');
    await rw.transport.close();
    await ro.transport.close();
  } finally {
    run.child.kill('SIGTERM');
    await run.done;
    server.server.close();
    server.upstream.destroy();
  }
  expect(events().at(-1)).toMatchObject({ type: 'stopped' });
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
  expect(events().filter((e) => e.type === 'lost')).toHaveLength(1);
});
