// The interactive console under load, driven as a user would: in a pty, its screen read through a
// headless xterm. (1) A 10 MiB burst of real Xen output: time until the last line is on screen,
// CPU, and renders (coalesced redraws). (2) Keystroke-to-wire latency while the console streams
// 1 MB/s. socat in the same pty is the baseline. Figures are printed, never asserted.

import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clearInterval, clearTimeout, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import { table } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'bin/xenkeys');
const BURST_MB = Number(process.env.XENKEYS_BENCH_TUI_MB ?? 10);
const KEYS = Number(process.env.XENKEYS_BENCH_TUI_KEYS ?? 200);
const SENTINEL = 'XENKEYS-BENCH-END';
const TICK_MS = 1000 / 100; // /proc/PID/stat counts CPU in clock ticks (USER_HZ 100 on Linux)

/** A program in a pty whose screen is a headless xterm; waits check the screen after each parse. */
function inPty(file, args, env = {}) {
  const cols = 120;
  const rows = 36;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  const child = pty.spawn(file, args, {
    cols,
    rows,
    env: { ...process.env, TERM: 'xterm-256color', ...env },
  });
  let waiters = [];
  let outputBytes = 0;
  const screen = () => {
    const b = term.buffer.active;
    let text = '';
    for (let y = 0; y < rows; y++) text += `${b.getLine(b.viewportY + y)?.translateToString(true) ?? ''}\n`;
    return text;
  };
  const check = () => (waiters = waiters.filter((w) => !w()));
  child.onData((data) => {
    outputBytes += data.length;
    term.write(data, check);
  });
  term.onData((reply) => child.write(reply));
  const exited = new Promise((resolve) => child.onExit(resolve));
  return {
    child,
    exited,
    get outputBytes() {
      return outputBytes;
    },
    press: (bytes) => child.write(bytes),
    waitScreen(re, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${re}:\n${screen()}`)),
          timeoutMs,
        );
        waiters.push(() => re.test(screen()) && (clearTimeout(timer), resolve(), true));
        term.write('', check);
      });
    },
  };
}

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
}

/** Real Xen output (the recordings' raw logs) repeated to `size`, then the sentinel line. */
function payload(size) {
  const dir = path.join(root, 'recordings');
  const sources = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name, 'session.raw'))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile())
    .map((p) => readFileSync(p));
  const parts = [];
  for (let total = 0, i = 0; total < size; i++)
    total += parts[parts.push(sources[i % sources.length]) - 1].length;
  parts.push(Buffer.from(`\r\n${SENTINEL}\r\n`));
  return Buffer.concat(parts);
}

/** A TCP console that connects the first client to `onClient`. */
async function consoleServer(onClient) {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    onClient(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: server.address().port, close: () => server.close() };
}

function clientArgv(tool, port, dir) {
  return tool === 'socat'
    ? ['socat', ['STDIO,raw,echo=0', `TCP:127.0.0.1:${port}`]]
    : [process.execPath, [BIN, 'connect', '--tcp', `127.0.0.1:${port}`, '--out', dir, '--reconnect', '0']];
}

async function burst(tool) {
  const data = payload(BURST_MB * 1024 * 1024);
  let client;
  const connected = new Promise((resolve) => (client = resolve));
  const server = await consoleServer((socket) => client(socket));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-bench-tui-'));
  const stats = path.join(dir, 'stats.json');
  const [file, args] = clientArgv(tool, server.port, dir);
  const p = inPty(file, args, { XENKEYS_TUI_STATS: stats });
  const socket = await connected;
  if (tool === 'xenkeys') await p.waitScreen(/input: \?/);
  const cpu0 = cpuMs(p.child.pid);
  const started = performance.now();
  const shown = p.waitScreen(new RegExp(SENTINEL));
  socket.write(data);
  await shown;
  const ms = performance.now() - started;
  const cpu = cpuMs(p.child.pid) - cpu0;
  if (tool === 'xenkeys') p.press('\x1dq');
  else socket.destroy();
  await p.exited;
  server.close();
  const renders = tool === 'xenkeys' ? JSON.parse(readFileSync(stats, 'utf8')) : null;
  rmSync(dir, { recursive: true, force: true });
  return {
    client: tool === 'xenkeys' ? 'xenkeys connect (TUI)' : 'socat in the pty (baseline)',
    'MiB in': (data.length / 1048576).toFixed(1),
    'until on screen s': (ms / 1000).toFixed(2),
    'MiB/s': (data.length / 1048576 / (ms / 1000)).toFixed(1),
    'client cpu s': (cpu / 1000).toFixed(2),
    'to terminal MiB': (p.outputBytes / 1048576).toFixed(2),
    renders: renders ? `${renders.renders} for ${renders.renderRequests} chunks` : '-',
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function latency(tool) {
  let client;
  const connected = new Promise((resolve) => (client = resolve));
  const server = await consoleServer((socket) => client(socket));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-bench-lat-'));
  const [file, args] = clientArgv(tool, server.port, dir);
  const p = inPty(file, args);
  const socket = await connected;
  if (tool === 'xenkeys') await p.waitScreen(/input: \?/);
  // 1 MB/s of console output, in 10 KB writes every 10 ms, for as long as the keys take.
  const line = Buffer.from('(XEN) CPU0: stream of console output at one megabyte per second .....\r\n');
  const chunk = Buffer.concat(Array.from({ length: Math.ceil(10_000 / line.length) }, () => line));
  const stream = setInterval(() => socket.write(chunk), 10);
  const samples = [];
  let waiting = null;
  socket.on('data', () => waiting?.());
  const cpu0 = cpuMs(p.child.pid);
  const t0 = performance.now();
  for (let i = 0; i < KEYS; i++) {
    const arrived = new Promise((resolve) => (waiting = resolve));
    const sent = performance.now();
    p.press('a');
    await arrived;
    samples.push(performance.now() - sent);
    // Keys about 50 per second, like fast typing (pacing the load, not waiting for a result).
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const cpuShare = (cpuMs(p.child.pid) - cpu0) / (performance.now() - t0);
  clearInterval(stream);
  if (tool === 'xenkeys') p.press('\x1dq');
  else socket.destroy();
  await p.exited;
  server.close();
  rmSync(dir, { recursive: true, force: true });
  samples.sort((a, b) => a - b);
  return {
    client: tool === 'xenkeys' ? 'xenkeys connect (TUI)' : 'socat in the pty (baseline)',
    keys: samples.length,
    'p50 ms': percentile(samples, 50).toFixed(2),
    'p99 ms': percentile(samples, 99).toFixed(2),
    'max ms': samples.at(-1).toFixed(2),
    'client cpu %': (cpuShare * 100).toFixed(0),
  };
}

export async function benchTuiBurst() {
  const rows = [await burst('socat'), await burst('xenkeys')];
  return { title: `TUI: a ${BURST_MB} MiB burst of real Xen output, until its last line is on screen`, rows };
}

export async function benchTuiLatency() {
  const rows = [await latency('socat'), await latency('xenkeys')];
  return { title: `TUI: keystroke to wire under 1 MB/s of console output (${KEYS} keys)`, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const bench of [benchTuiBurst, benchTuiLatency]) {
    const { title, rows } = await bench();
    console.log(`\n## ${title}\n\n${table(rows)}\n`);
  }
}
