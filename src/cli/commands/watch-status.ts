// `xenkeys watch --status`: asks every console socket in the attach folder for its status (the
// watcher answers; nothing is read from its files) and prints a table, or JSON with --json.
// The watch command calls watchStatus() for --status; it needs no console and opens none.

import Table from 'cli-table3';
import { XenkeysError, errorMessage } from '../../core/errors.js';
import { terminalText } from '../../core/text-controls.js';
import { defaultAttachDir, listAttachable } from '../../watch/attach-dir.js';
import { askStatus } from '../../watch/attach-client.js';
import type { HubStatus } from '../../watch/hub.js';
import { EXIT } from '../exit-codes.js';

export interface WatchStatusOptions {
  json?: boolean;
  /** The attach folder; default $XDG_RUNTIME_DIR/xenkeys. */
  dir?: string;
  /** Box-drawn table (default: when stdout is a terminal) or tab-separated columns. */
  box?: boolean;
  now?: Date;
}

/** A console whose socket did not answer (its watcher died, or hung). */
export interface SilentConsole {
  name: string;
  error: string;
}

export type ConsoleState = HubStatus | SilentConsole;

const HEAD = [
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
];

/** Prints the status of every watched console; returns the exit code. */
export async function watchStatus(
  options: WatchStatusOptions = {},
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const dir = options.dir ?? defaultAttachDir();
  const states = await collectStatus(dir);
  if (options.json) out.write(`${JSON.stringify({ dir, consoles: states }, null, 2)}\n`);
  if (states.length === 0) {
    throw new XenkeysError('connect-failed', `no watcher is running: no console sockets in ${dir}`, {
      hint: 'Start one with `xenkeys watch …` as this user (it listens in $XDG_RUNTIME_DIR/xenkeys).',
    });
  }
  if (!options.json)
    printTable(
      out,
      states,
      options.box ?? Boolean((out as NodeJS.WriteStream).isTTY),
      options.now ?? new Date(),
    );
  return states.some((s) => 'error' in s) ? EXIT['connect-failed'] : EXIT.ok;
}

/** Every console's status, sorted by name; a socket that does not answer becomes a SilentConsole. */
export async function collectStatus(dir: string): Promise<ConsoleState[]> {
  return Promise.all(
    listAttachable(dir).map((name) =>
      askStatus(dir, name).catch((error: unknown): SilentConsole => ({ name, error: errorMessage(error) })),
    ),
  );
}

function printTable(
  out: NodeJS.WritableStream,
  states: readonly ConsoleState[],
  box: boolean,
  now: Date,
): void {
  const rows = states.map((s) =>
    'error' in s ? [s.name, 'not answering', '', '', '', '', '', '', '', s.error] : row(s, now),
  );
  const safe = rows.map((r) => r.map((cell) => terminalText(cell)));
  if (box) {
    const table = new Table({ head: HEAD, style: { head: [], border: [] } });
    table.push(...safe);
    out.write(`${table.toString()}\n`);
  } else {
    for (const r of [HEAD, ...safe]) out.write(`${r.map((c) => c.replace(/[\t\r\n]/g, ' ')).join('\t')}\n`);
  }
}

function row(s: HubStatus, now: Date): string[] {
  return [
    s.name,
    s.incidentRunning ? `${s.connection}, incident running` : s.connection,
    s.since,
    s.input,
    String(s.bytes),
    s.lastOutputAt === null ? 'never' : `${age(now.getTime() - Date.parse(s.lastOutputAt))} ago`,
    String(s.incidents),
    s.writer ?? '',
    String(s.viewers),
    s.target,
  ];
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
