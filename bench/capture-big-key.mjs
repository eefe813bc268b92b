// One huge key: a console that answers `d` with SIZE MiB (default 256) of real `d` output (the
// smp8 recording's dump, repeated), as a big host's dump or a flood would. `capture` must keep every
// byte in session.raw and its memory bounded (the key's text is capped; the bytes are in the raw
// log by byte range). Beside it, socat receiving the same bytes in the same run.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { need, table, timed, socatToFile, xenkeysCapture } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizeMB = Number(process.env.XENKEYS_BENCH_KEY_MB ?? 256);

/** The real `d` dump of the 8-CPU recording, from its own byte range in session.raw. */
function realDump() {
  const dir = path.join(root, 'recordings', 'xen-4.17-smp8-big-dump');
  const raw = readFileSync(path.join(dir, 'session.raw'));
  const d = JSON.parse(readFileSync(path.join(dir, 'captures.json'), 'utf8')).captures.find(
    (c) => c.key === 'd',
  );
  return raw.subarray(d.rawStart, d.rawEnd);
}

/** Xen's switch rules in brief, and `d` answered with `size` bytes; `stream` sends them at once (socat). */
async function bigKeyServer(dump, size, stream) {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    const pump = async () => {
      for (let sent = 0; sent < size; sent += dump.length)
        if (!socket.write(dump)) await new Promise((r) => socket.once('drain', r));
    };
    if (stream) return void pump().then(() => socket.end());
    let atXen = false;
    let held = 0;
    socket.on('data', (bytes) => {
      for (const b of bytes) {
        if (b === 1 && ++held === 3) {
          held = 0;
          atXen = !atXen;
          socket.write(
            `(XEN) *** Serial input to ${atXen ? 'Xen' : 'DOM0'} (type 'CTRL-a' three times to switch input)\r\n`,
          );
        } else if (b !== 1) {
          held = 0;
          if (atXen && b === 0x64) void pump();
        }
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, close: () => server.close() };
}

export async function benchCaptureBigKey() {
  need('socat');
  need('time');
  const dump = realDump();
  const size = Math.ceil((sizeMB * 1048576) / dump.length) * dump.length;
  const rows = [];
  for (const tool of ['socat', 'xenkeys']) {
    const server = await bigKeyServer(dump, size, tool === 'socat');
    const dir = mkdtempSync(path.join(os.tmpdir(), `xk-bench-bigkey-${tool}-`));
    const out = path.join(dir, 'out');
    const file = tool === 'socat' ? path.join(dir, 'stream.raw') : path.join(out, 'session.raw');
    const argv =
      tool === 'socat'
        ? socatToFile(server.port, file)
        : xenkeysCapture(root, server.port, [
            '--keys',
            'd',
            '--no-discover',
            '--max-key-time',
            '900',
            '--no-progress',
            '-o',
            out,
          ]);
    const r = await timed(argv);
    server.close();
    const got = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const key =
      tool === 'socat' ? null : JSON.parse(readFileSync(path.join(out, 'captures.json'), 'utf8')).captures[0];
    rows.push({
      tool,
      'key MiB': (size / 1048576).toFixed(0),
      'MB/s': (size / 1048576 / r.wall).toFixed(1),
      'cpu s': (r.user + r.sys).toFixed(2),
      'peak RSS MiB': (r.rssKiB / 1024).toFixed(1),
      'key bytes lost': key ? size - key.bytes : size - got,
      'text kept MiB': key ? (key.text.length / 1048576).toFixed(1) : '-',
      exit: r.code,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: `one huge key: ${sizeMB} MiB of real \`d\` output in a single capture`, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { title, rows } = await benchCaptureBigKey();
  console.log(`${title}\n\n${table(rows)}`);
}
