// SpawnTransport with real children under a real pty: raw mode (no CR→NL, no echo, Ctrl-C as a
// byte), every byte value both ways, exit reporting, env-only secrets, resize and subclass hooks.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpawnTransport, type SpawnSpec } from '../../src/transports/spawn.js';
import type { CloseReason } from '../../src/transports/transport.js';

const NODE = JSON.stringify(process.execPath);
/** A child that prints each chunk it reads as one hex line: shows exactly what reached it. */
const HEX_SCRIPT = 'process.stdin.on("data", (d) => process.stdout.write(d.toString("hex") + "\\n"))';
const HEX_ECHO = `${NODE} -e '${HEX_SCRIPT}'`;

class Sink {
  private chunks: Buffer[] = [];
  private waiters: { done: (b: Buffer) => boolean; resolve: (b: Buffer) => void }[] = [];
  push = (chunk: Uint8Array): void => {
    this.chunks.push(Buffer.from(chunk));
    const all = this.bytes;
    this.waiters = this.waiters.filter((w) => (w.done(all) ? (w.resolve(all), false) : true));
  };
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  waitFor(done: (b: Buffer) => boolean): Promise<Buffer> {
    return done(this.bytes)
      ? Promise.resolve(this.bytes)
      : new Promise((resolve) => this.waiters.push({ done, resolve }));
  }
  /** Waits for the hex lines from HEX_ECHO to add up to `n` bytes; returns them joined. */
  async hex(n: number): Promise<string> {
    const joined = (b: Buffer) => b.toString('latin1').split('\n').join('');
    return joined(
      await this.waitFor((b) => b.toString('latin1').endsWith('\n') && joined(b).length >= n * 2),
    );
  }
}

const open: SpawnTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function start(
  t: SpawnTransport,
): Promise<{ t: SpawnTransport; out: Sink; closed: Promise<CloseReason> }> {
  open.push(t);
  const out = new Sink();
  t.onData(out.push);
  const closed = new Promise<CloseReason>((resolve) => t.onClose(resolve));
  await t.open();
  return { t, out, closed };
}

describe('SpawnTransport', () => {
  it('describes itself by its command (or a given description)', () => {
    expect(new SpawnTransport({ command: 'xl console 3' }).description).toBe('spawn xl console 3');
    expect(new SpawnTransport({ command: 'x', description: 'ipmi bmc1' }).description).toBe('ipmi bmc1');
    expect(new SpawnTransport({ command: 'x' }).canBreak).toBe(false);
  });

  it('runs the pty raw: Ctrl-A, CR, Ctrl-C, Ctrl-\\, Ctrl-D reach the child as bytes, no echo', async () => {
    const { t, out } = await start(new SpawnTransport({ command: HEX_ECHO }));
    await t.write(Buffer.from('\x01\x01\x01\r\x03\x1c\x04\x11\x13', 'latin1'));
    expect(await out.hex(9)).toBe('0101010d031c041113');
    // Nothing but the child's own hex lines: an echo would have shown the raw bytes too.
    expect(out.bytes.toString('latin1')).toMatch(/^([0-9a-f]+\n)+$/);
    expect(t.isOpen).toBe(true);
  });

  it('passes every byte value to the child and back, untouched', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const { t, out } = await start(new SpawnTransport({ command: HEX_ECHO }));
    await t.write(all);
    expect(await out.hex(256)).toBe(all.toString('hex'));

    const emit = `${NODE} -e 'process.stdout.write(Buffer.from(Array.from({ length: 256 }, (_, i) => i)))'`;
    const back = await start(new SpawnTransport({ command: emit }));
    await back.closed;
    expect([...back.out.bytes]).toEqual([...all]); // no \n→\r\n: output processing is off too
  });

  it('reports the child exiting as a remote close with its exit code, after its last output', async () => {
    const { t, out, closed } = await start(new SpawnTransport({ command: 'printf done; exit 3' }));
    expect(await closed).toEqual({ kind: 'remote', message: 'printf done; exit 3 exited with code 3' });
    expect(out.bytes.toString()).toBe('done');
    expect(t.isOpen).toBe(false);
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'transport-lost' });
  });

  it('keeps the first output for a listener attached right after open()', async () => {
    const t = new SpawnTransport({ command: 'printf early; exec cat' });
    open.push(t);
    await t.open();
    const out = new Sink();
    t.onData(out.push);
    expect((await out.waitFor((b) => b.length >= 5)).toString()).toBe('early');
  });

  it('names the signal when the child is killed', async () => {
    const { closed } = await start(new SpawnTransport({ command: 'kill -TERM $$' }));
    expect((await closed).message).toMatch(/killed by SIGTERM/);
  });

  it('passes secrets through the environment only, never argv', async () => {
    const secret = `s3cret-${process.pid}-${Date.now()}`;
    const { t, out } = await start(
      new SpawnTransport({ command: 'echo "$XK_SECRET"; read line', env: { XK_SECRET: secret } }),
    );
    await out.waitFor((b) => b.includes(secret));
    const pid = t.pid;
    expect(pid).toBeGreaterThan(0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    expect(cmdline).toContain('XK_SECRET'); // it is the right process…
    expect(cmdline).not.toContain(secret); // …and the value is not in its argv
    expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).toContain(`XK_SECRET=${secret}`);
  });

  it('resizes the pty', async () => {
    const { t, out } = await start(
      new SpawnTransport({ command: 'read line; stty size', cols: 100, rows: 30 }),
    );
    t.resize(132, 43);
    await t.write(Buffer.from('\n'));
    expect((await out.waitFor((b) => b.includes('\n'))).toString()).toBe('43 132\n');
  });

  it('closes locally (killing the child), is safe twice, and reopens', async () => {
    const t = new SpawnTransport({ command: 'echo up; exec cat' });
    const reasons: CloseReason[] = [];
    t.onClose((r) => reasons.push(r));
    const { out } = await start(t);
    await out.waitFor((b) => b.includes('up'));
    const pid = t.pid;
    await t.close('bye');
    await t.close();
    expect(reasons).toEqual([{ kind: 'local', message: 'bye' }]);
    expect(() => readFileSync(`/proc/${pid}/cmdline`)).toThrow(); // reaped, not left behind

    await t.open();
    await out.waitFor((b) => b.toString().split('up').length === 3);
    expect(t.isOpen).toBe(true);
  });

  it('opens, then reports a remote close, when the command is not found', async () => {
    const { closed } = await start(new SpawnTransport({ command: 'exec /nonexistent/xk-tool' }));
    expect(await closed).toMatchObject({
      kind: 'remote',
      message: expect.stringMatching(/exited with code 127/),
    });
  });

  it('rejects with connect-failed when the child cannot even start', async () => {
    const t = new SpawnTransport({ command: 'true', cwd: '/nonexistent/xk-dir' });
    await expect(t.open()).rejects.toMatchObject({ code: 'connect-failed' });
    expect(t.isOpen).toBe(false);
  });

  it('rejects with connect-failed when the pty does not come up in time', async () => {
    // An stty that never returns keeps the wrapper from ever announcing that the pty is raw.
    const bin = mkdtempSync(join(tmpdir(), 'xk-spawn-'));
    try {
      writeFileSync(join(bin, 'stty'), '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
      const t = new SpawnTransport({
        command: 'true',
        env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
        readyTimeoutMs: 100,
      });
      await expect(t.open()).rejects.toMatchObject({
        code: 'connect-failed',
        message: /did not come up in 100 ms/,
      });
      expect(t.isOpen).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('lets a subclass (IPMI-style) run a program directly, escape writes and send its own BREAK', async () => {
    class Tilde extends SpawnTransport {
      override readonly kind = 'ipmi' as const;
      override readonly canBreak = true;
      protected override spawnSpec(): SpawnSpec {
        return { file: process.execPath, args: ['-e', HEX_SCRIPT], env: {} };
      }
      protected override encodeOutgoing(bytes: Uint8Array): Uint8Array {
        return Buffer.from(Buffer.from(bytes).toString('latin1').replaceAll('~', '~~'), 'latin1');
      }
      override async sendBreak(): Promise<void> {
        this.writeRaw(Buffer.from('~B'));
      }
    }
    const { t, out } = await start(new Tilde({ command: 'hex-echo' }));
    await t.write(Buffer.from('a~b'));
    await t.sendBreak();
    expect(t.kind).toBe('ipmi');
    expect(await out.hex(6)).toBe(Buffer.from('a~~b~B').toString('hex'));
  });
});
