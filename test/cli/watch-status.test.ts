// `xenkeys watch --status` asks each console's watcher over its socket: the table and the JSON say
// who writes, how many watch, and which consoles' watchers no longer answer.

import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchStatus } from '../../src/cli/commands/watch-status.js';
import { startAttachServer, type AttachServerHandle } from '../../src/watch/attach-server.js';
import { FakeHub } from '../../src/watch/fake-hub.js';
import { startCli } from '../helpers/run-cli.js';
import { attachClient, tempAttachDir } from '../watch/attach-helpers.js';

let tmp: ReturnType<typeof tempAttachDir>;
let lab: FakeHub;
let server: AttachServerHandle;

beforeEach(async () => {
  tmp = tempAttachDir();
  lab = new FakeHub('lab', { target: 'tcp 127.0.0.1:4555', now: () => new Date('2026-12-02T09:00:00Z') });
  const db07 = new FakeHub('db07', { target: 'ipmi 10.0.0.7' });
  db07.setConnection('reconnecting');
  server = await startAttachServer([lab, db07], tmp.dir);
});

afterEach(async () => {
  await server.close();
  tmp.cleanup();
});

function sink(): { stream: Writable; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('watch --status', () => {
  it('lists every console with its state, writer and viewers, as tab-separated columns off a terminal', async () => {
    lab.emitData('boot\r\n');
    lab.startIncident('Xen panic');
    const seat = lab.claimWriter('alice');
    const viewer = attachClient({ name: 'lab', mode: 'ro', dir: tmp.dir });
    await viewer.transport.open();
    const out = sink();
    const code = await watchStatus({ dir: tmp.dir, now: new Date('2026-12-02T09:01:00Z') }, out.stream);
    expect(code).toBe(0);
    const rows = out
      .text()
      .trim()
      .split('\n')
      .map((r) => r.split('\t'));
    expect(rows[0]).toEqual([
      'console',
      'state',
      'since',
      'input',
      'bytes',
      'last output',
      'incidents',
      'writer',
      'viewers',
      'target',
    ]);
    expect(rows[1]?.[0]).toBe('db07');
    expect(rows[1]?.[1]).toBe('reconnecting');
    expect(rows[2]).toEqual([
      'lab',
      'connected, incident running',
      '2026-12-02T09:00:00.000Z',
      'dom0',
      '6',
      '60 s ago',
      '1',
      'alice',
      '1',
      'tcp 127.0.0.1:4555',
    ]);
    seat?.dispose();
    await viewer.transport.close();
  });

  it('gives the hub status as JSON, and names a console whose watcher no longer answers', async () => {
    const stale = path.join(tmp.dir, 'gone.sock');
    const script = `const f=${JSON.stringify(stale)};require('net').createServer().listen(f,()=>{require('fs').chmodSync(f,0o600);process.kill(process.pid,'SIGKILL')})`;
    spawnSync(process.execPath, ['-e', script]);
    chmodSync(stale, 0o600);
    const out = sink();
    const code = await watchStatus({ dir: tmp.dir, json: true }, out.stream);
    expect(code).toBe(3);
    const json = JSON.parse(out.text()) as { dir: string; consoles: Record<string, unknown>[] };
    expect(json.dir).toBe(tmp.dir);
    expect(json.consoles.map((c) => c['name'])).toEqual(['db07', 'gone', 'lab']);
    expect(json.consoles[1]).toEqual({
      name: 'gone',
      error: expect.stringMatching(/watcher of gone is not running/),
    });
    expect(json.consoles[2]).toMatchObject({
      name: 'lab',
      connection: 'connected',
      writer: null,
      viewers: 0,
      incidentRunning: false,
    });
  });

  it('runs from the command line, and says so when no watcher runs', async () => {
    const env = { XDG_RUNTIME_DIR: path.dirname(tmp.dir) };
    const run = await startCli(['watch', '--status', '--json'], { env }).done;
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { consoles: unknown[] }).consoles).toHaveLength(2);
    await server.close();
    const none = await startCli(['watch', '--status'], { env }).done;
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no watcher is running: no console sockets in .*xenkeys/);
  });
});
