// Shared benchmark plumbing: run a command under GNU time (wall, user, sys, peak RSS), a TCP source
// that streams a fixed payload, checksums, and a table printer. Benchmarks print figures; they
// assert nothing (figures go in the docs).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function need(program) {
  const found = process.env.PATH.split(':').some((dir) => existsSync(`${dir}/${program}`));
  if (!found)
    throw new Error(
      `${program} is needed for the benchmarks (apt-get install ${program === 'time' ? 'time' : program})`,
    );
}

/** Run argv under /usr/bin/time; resolves with its figures and the exit code. */
export async function timed(argv, options = {}) {
  const child = spawn('/usr/bin/time', ['-f', 'XKBENCH %e %U %S %M', ...argv], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  const m = /XKBENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (!m) throw new Error(`no timing from ${argv.join(' ')}:\n${stderr}`);
  return { code, wall: +m[1], user: +m[2], sys: +m[3], rssKiB: +m[4], stderr };
}

/** A TCP server on loopback that sends `payload` to each client, in `chunk`-sized writes, then closes. */
export async function payloadServer(payload, chunk = 64 * 1024) {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let at = 0;
    const pump = () => {
      while (at < payload.length) {
        const ok = socket.write(payload.subarray(at, at + chunk));
        at += chunk;
        if (!ok) return socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: server.address().port, close: () => server.close() };
}

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
export const fileSha = (path) => (existsSync(path) ? sha256(readFileSync(path)) : 'missing');

export function table(rows) {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
  return [
    line(cols),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => r[c]))),
  ].join('\n');
}

/** The baseline's command line: socat copying a loopback TCP stream to a file. */
export const socatToFile = (port, file) => [
  'socat',
  '-u',
  `TCP:127.0.0.1:${port}`,
  `OPEN:${file},creat,trunc`,
];

/** `xenkeys capture` against a loopback TCP console, the bench's own build. */
export const xenkeysCapture = (root, port, args) => [
  process.execPath,
  `${root}/bin/xenkeys`,
  'capture',
  '--tcp',
  `127.0.0.1:${port}`,
  ...args,
];
