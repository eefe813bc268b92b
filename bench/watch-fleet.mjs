// One `xenkeys watch` process holding many consoles (500 by default): TCP fakes on loopback play the
// recordings in recordings/ at a serial line's rate (115200 baud) with bursts (a key's dump arrives
// at once, as QEMU sends it), and every byte each fake sent is checked against what the watcher
// recorded (SHA-256 per console). Beside it, in the same run, the baseline: a bare Node process that
// only copies the same streams to files. Figures: CPU, peak RSS, event-loop delay (perf_hooks
// monitorEventLoopDelay: prom-client's for the watcher, the baseline's own), bytes lost.
// Env: WATCH_FLEET_CONSOLES (500), WATCH_FLEET_SECONDS (60).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RECORDINGS = [
  'xen-4.17-boot-and-keys',
  'xen-4.17-credit-sched',
  'xen-4.17-guests',
  'xen-4.17-smp8-big-dump',
];
const TICK_MS = 100;
const LINE_BYTES_PER_TICK = 1152; // 115200 baud, 10 bits a byte

function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** N loopback consoles; traffic starts once all are connected and stops on stop(). */
async function fakes(n) {
  const recordings = RECORDINGS.map((r) => readFileSync(join(root, 'recordings', r, 'session.raw')));
  const consoles = [];
  for (let i = 0; i < n; i++) {
    const rec = recordings[i % recordings.length];
    const rand = prng(i + 1);
    const c = {
      rec,
      rand,
      at: Math.floor(rand() * rec.length),
      burst: 0,
      dump: false,
      socket: null,
      sent: 0,
      hash: createHash('sha256'),
    };
    c.server = createServer((socket) => {
      socket.on('error', () => undefined);
      c.socket = socket;
    });
    c.server.listen(0, '127.0.0.1');
    await once(c.server, 'listening');
    c.port = c.server.address().port;
    consoles.push(c);
  }
  const take = (c, len) => {
    const out = [];
    while (len > 0) {
      const piece = c.rec.subarray(c.at, c.at + len);
      out.push(piece);
      len -= piece.length;
      c.at = (c.at + piece.length) % c.rec.length;
    }
    return Buffer.concat(out);
  };
  let timer = null;
  const tick = () => {
    for (const c of consoles) {
      if (!c.socket) continue;
      if (c.burst === 0 && c.rand() < 0.02) {
        c.dump = c.rand() < 0.05;
        c.burst = c.dump ? 32768 + Math.floor(c.rand() * 98304) : 2048 + Math.floor(c.rand() * 18432);
      }
      if (c.burst === 0) continue;
      const len = c.dump ? c.burst : Math.min(c.burst, LINE_BYTES_PER_TICK);
      const bytes = take(c, len);
      c.burst -= len;
      c.sent += bytes.length;
      c.hash.update(bytes);
      c.socket.write(bytes);
    }
  };
  return {
    consoles,
    connected: () => consoles.filter((c) => c.socket).length,
    start: () => (timer = setInterval(tick, TICK_MS)),
    stop: () => clearInterval(timer),
    sent: () => consoles.reduce((n, c) => n + c.sent, 0),
    close: () => consoles.forEach((c) => (c.socket?.destroy(), c.server.close())),
  };
}

const BASELINE = `
import { createConnection } from 'node:net';
import { openSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
const [dir, ...ports] = process.argv.slice(1);
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
let received = 0;
ports.forEach((port, i) => {
  const fd = openSync(dir + '/c' + i + '.raw', 'wx', 0o600);
  const s = createConnection(Number(port), '127.0.0.1');
  s.on('data', (b) => { writeSync(fd, b); received += b.length; });
  s.on('error', () => undefined);
});
process.on('SIGUSR2', () => eld.reset());
process.on('SIGUSR1', () => process.stdout.write(JSON.stringify({ received }) + '\\n'));
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ p99: eld.percentile(99) / 1e9, max: eld.max / 1e9 }) + '\\n');
  process.exit(0);
});
`;

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, rssKiB };
}

async function waitFor(check, what, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function lines(child) {
  let buf = '';
  const waiting = [];
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  return () => new Promise((r) => waiting.push(r));
}

async function scrape(url) {
  const text = await (await fetch(url)).text();
  const sum = (name) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'gm'))].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  return {
    bytes: sum('xenkeys_watch_bytes_total'),
    p99: sum('xenkeys_watch_nodejs_eventloop_lag_p99_seconds'),
    max: sum('xenkeys_watch_nodejs_eventloop_lag_max_seconds'),
  };
}

async function runOne(kind, n, seconds) {
  const f = await fakes(n);
  const dir = mkdtempSync(join(tmpdir(), `xenkeys-fleet-${kind}-`));
  let child;
  let metricsUrl = null;
  let next;
  if (kind === 'baseline') {
    child = spawn(
      process.execPath,
      ['--input-type=module', '-e', BASELINE, dir, ...f.consoles.map((c) => c.port)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    next = lines(child);
  } else {
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `targets:\n${f.consoles.map((c, i) => `  c${i}:\n    tcp: 127.0.0.1:${c.port}\n`).join('')}`,
    );
    child = spawn(
      process.execPath,
      [
        join(root, 'bin/xenkeys'),
        'watch',
        '--config',
        config,
        '--out',
        join(dir, 'out'),
        '--metrics',
        '127.0.0.1:0',
        '--events',
        join(dir, 'events.jsonl'),
        ...f.consoles.map((_, i) => `c${i}`),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await waitFor(() => (metricsUrl = /metrics on (http:\S+)/.exec(err)?.[1] ?? null), 'the metrics address');
  }
  await waitFor(() => f.connected() === n, `${n} connections`);
  f.start();
  await new Promise((r) => setTimeout(r, 3_000)); // warm-up
  const t0 = Date.now();
  const s0 = procStat(child.pid);
  if (kind === 'baseline') child.kill('SIGUSR2');
  else await scrape(metricsUrl); // resets the event-loop histogram: the window starts now
  let peakRss = s0.rssKiB;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, procStat(child.pid).rssKiB)), 1_000);
  await new Promise((r) => setTimeout(r, seconds * 1_000));
  f.stop();
  const s1 = procStat(child.pid);
  const wall = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  let eld;
  const received = async () => {
    if (kind === 'baseline') {
      child.kill('SIGUSR1');
      return JSON.parse(await next()).received;
    }
    return (await scrape(metricsUrl)).bytes;
  };
  if (kind === 'watch') eld = await scrape(metricsUrl);
  await waitFor(async () => (await received()) >= f.sent(), 'every byte to arrive');
  child.kill('SIGTERM');
  if (kind === 'baseline') eld = JSON.parse(await next());
  await once(child, 'exit');
  // Checksums: what each fake sent against what was stored for it.
  let lost = 0;
  let mismatched = 0;
  f.consoles.forEach((c, i) => {
    let stored;
    if (kind === 'baseline') stored = readFileSync(join(dir, `c${i}.raw`));
    else {
      const seg = join(dir, 'out', `c${i}`, 'segments');
      stored = Buffer.concat(
        readdirSync(seg)
          .filter((x) => x.endsWith('.raw'))
          .sort()
          .map((x) => readFileSync(join(seg, x))),
      );
    }
    if (createHash('sha256').update(stored).digest('hex') !== c.hash.copy().digest('hex')) {
      mismatched++;
      lost += Math.max(0, c.sent - stored.length);
    }
  });
  const sent = f.sent();
  f.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    subject: kind === 'baseline' ? 'baseline: Node copying to files' : 'xenkeys watch',
    consoles: n,
    'MB sent': (sent / 1e6).toFixed(1),
    'bytes lost': lost,
    'consoles mismatched': mismatched,
    'CPU %': (((s1.cpu - s0.cpu) / wall) * 100).toFixed(1),
    'peak RSS MiB': (peakRss / 1024).toFixed(0),
    'loop delay p99 ms': (eld.p99 * 1000).toFixed(1),
    'loop delay max ms': (eld.max * 1000).toFixed(1),
  };
}

export async function benchWatchFleet() {
  const n = Number(process.env.WATCH_FLEET_CONSOLES ?? 500);
  const seconds = Number(process.env.WATCH_FLEET_SECONDS ?? 60);
  const rows = [await runOne('baseline', n, seconds), await runOne('watch', n, seconds)];
  return {
    title: `watch: ${n} consoles in one process for ${seconds} s (serial-rate streams with bursts)`,
    rows,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { table } = await import('./lib.mjs');
  const { title, rows } = await benchWatchFleet();
  console.log(`\n## ${title}\n\n${table(rows)}\n`);
}
