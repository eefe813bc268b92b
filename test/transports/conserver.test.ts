// ConserverTransport against a stand-in `console` on PATH, run in the real pty: it prints
// conserver's own banner and answers ("[halt sent]", "[quote \035]") and echoes console input.
// None of that chatter may reach the caller; ^] must go quoted; BREAK is ^]cl0. The real
// conserver is in test/lab/telnet.lab.test.ts.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConserverTransport, parseConserverTarget } from '../../src/transports/conserver.js';

// Reads the pty byte by byte like conserver does: ^]c then a command; anything else is echoed.
const FAKE =
  String.raw`#!/usr/bin/env node
const fs = require('node:fs');
fs.writeFileSync(process.env.FAKE_CONSOLE_ARGS, JSON.stringify(process.argv.slice(2)));
if (process.argv.at(-1) === 'nosuch') { process.stderr.write('console: nosuch: console not found\n'); process.exit(1); }
const out = (s) => process.stdout.write(Buffer.from(s, 'latin1'));
out("[Enter ` +
  '`' +
  String.raw`^]c?' for help]\n(XEN) after banner\r\n");
let esc = '';
process.stdin.on('data', (d) => {
  for (const c of d.toString('latin1')) {
    esc += c;
    if ('\x1dc'.startsWith(esc)) continue;
    if (esc === '\x1dcl' || /^\x1dc\\\d{0,2}$/.test(esc)) continue;
    if (esc === '\x1dcl0') out('[halt sent]\r\n');
    else if (/^\x1dc\\\d{3}$/.test(esc)) out('[quote \\' + esc.slice(3) + ']' + String.fromCharCode(parseInt(esc.slice(3), 8)));
    else out(esc);
    esc = '';
  }
});
`;

let dir: string;
let transport: ConserverTransport | undefined;
const savedPath = process.env['PATH'];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'xk-fake-console-'));
  writeFileSync(path.join(dir, 'console'), FAKE);
  chmodSync(path.join(dir, 'console'), 0o755);
  process.env['PATH'] = `${dir}:${savedPath}`;
  process.env['FAKE_CONSOLE_ARGS'] = path.join(dir, 'args.json');
});
afterAll(() => {
  process.env['PATH'] = savedPath;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await transport?.close();
  transport = undefined;
});

async function attach(name = 'xen') {
  const t = new ConserverTransport({ console: name, host: '127.0.0.1', port: 3109 });
  transport = t;
  const got: number[] = [];
  let waiters: (() => void)[] = [];
  t.onData((b) => (got.push(...b), waiters.splice(0).forEach((w) => w())));
  const until = async (n: number) => {
    while (got.length < n) await new Promise<void>((r) => (waiters = [...waiters, r]));
  };
  await t.open();
  return { t, got, until };
}

describe('ConserverTransport', () => {
  it('parses NAME[@HOST[:PORT]] and refuses anything that could be an option', () => {
    expect(parseConserverTarget('xen')).toEqual({ console: 'xen' });
    expect(parseConserverTarget('db07@cons.lab:3109')).toEqual({
      console: 'db07',
      host: 'cons.lab',
      port: 3109,
    });
    expect(parseConserverTarget('a.b@[::1]:782')).toEqual({ console: 'a.b', host: '::1', port: 782 });
    for (const bad of ['-M', 'x@-h', 'x@h:0', 'x@h:70000', 'x y', '']) {
      expect(() => parseConserverTarget(bad)).toThrow(expect.objectContaining({ code: 'usage' }));
    }
  });

  it("runs console with the escape moved to ^]c and hides conserver's banner", async () => {
    const { t, got, until } = await attach();
    expect(JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8'))).toEqual([
      ...['-e', '^]c', '-M', '127.0.0.1', '-p', '3109', 'xen'],
    ]);
    expect(t.description).toBe('conserver xen@127.0.0.1:3109');
    await until(19);
    expect(Buffer.from(got).toString('latin1')).toBe('(XEN) after banner\r\n');
  });

  it('passes the switch triple and 0xFF untouched, quotes ^], and hides the answers', async () => {
    const { t, got, until } = await attach();
    await until(20);
    got.length = 0;
    await t.write(Uint8Array.of(1, 1, 1, 0xff, 0x1d, 0x41));
    await until(6);
    expect(got).toEqual([1, 1, 1, 0xff, 0x1d, 0x41]);
  });

  it("sends BREAK as ^]cl0 and keeps conserver's [halt sent] out of the data", async () => {
    const { t, got, until } = await attach();
    await until(20);
    got.length = 0;
    await t.sendBreak();
    await t.write(Buffer.from('ok'));
    await until(2);
    expect(Buffer.from(got).toString('latin1')).toBe('ok');
  });

  it('fails to connect with what console said when the name is unknown', async () => {
    const t = new ConserverTransport({ console: 'nosuch' });
    await expect(t.open()).rejects.toMatchObject({
      code: 'connect-failed',
      hint: expect.stringMatching(/console not found/),
    });
  });
});
