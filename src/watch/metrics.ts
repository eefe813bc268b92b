// `--metrics HOST:PORT`: Prometheus metrics per console (bytes, lines, reconnects, incidents, last
// output age, connected) plus the process's own (CPU, RSS, event-loop delay), served by prom-client.
// Values are read from the consoles when scraped: nothing is counted twice on the byte path.

import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { WatchedConsole } from './watched-console.js';

export function metricsRegistry(consoles: () => readonly WatchedConsole[]): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'xenkeys_watch_' });
  const labelNames = ['console'] as const;
  const counter = (name: string, help: string, value: (c: WatchedConsole) => number): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers: [register],
      collect() {
        this.reset();
        for (const c of consoles()) this.inc({ console: c.name }, value(c));
      },
    });
  };
  const gauge = (name: string, help: string, value: (c: WatchedConsole) => number): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [register],
      collect() {
        for (const c of consoles()) this.set({ console: c.name }, value(c));
      },
    });
  };
  counter('xenkeys_watch_bytes_total', 'Bytes received from the console', (c) => c.counts.bytes);
  counter('xenkeys_watch_lines_total', 'Complete lines received', (c) => c.counts.lines);
  counter(
    'xenkeys_watch_reconnects_total',
    'Times the line came back after a loss',
    (c) => c.counts.reconnects,
  );
  counter('xenkeys_watch_incidents_total', 'Incident folders written', (c) => c.incidents);
  gauge(
    'xenkeys_watch_last_output_age_seconds',
    'Seconds since the last byte (since the start before the first)',
    (c) => c.lastOutputAgeSeconds(),
  );
  gauge('xenkeys_watch_connected', '1 while the line is up', (c) =>
    c.status().connection === 'connected' ? 1 : 0,
  );
  return register;
}

export function parseListen(text: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

/** Serves GET /metrics; resolves once listening (the port it got, for `:0`). */
export async function serveMetrics(
  register: Registry,
  host: string,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
