// The watcher's side of attach: one unix socket per console in the attach folder (attach-dir.ts),
// mode 0600, serving the attach protocol (attach-protocol.ts, docs/attach.md) to any number of
// clients. Closing it ends every client and removes the sockets it made, and only those.

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { XenkeysError } from '../core/errors.js';
import { defaultAttachDir, ensureAttachDir, socketPath, socketState } from './attach-dir.js';
import { AttachSession } from './attach-session.js';
import type { ConsoleHub, HubStatus } from './hub.js';

export interface AttachServerHandle {
  readonly dir: string;
  /** Socket path per console name. */
  readonly sockets: ReadonlyMap<string, string>;
  /** Clients attached right now, per console name. */
  clients(name: string): number;
  /** Stop listening, end every client, remove our sockets. Safe to call twice. */
  close(): Promise<void>;
}

interface Listening {
  hub: ConsoleHub;
  server: Server;
  path: string;
  ino: number;
  sessions: Set<AttachSession>;
}

export async function startAttachServer(
  hubs: ConsoleHub | readonly ConsoleHub[],
  dir: string = defaultAttachDir(),
): Promise<AttachServerHandle> {
  const list = Array.isArray(hubs) ? (hubs as readonly ConsoleHub[]) : [hubs as ConsoleHub];
  const names = new Set<string>();
  for (const hub of list) {
    if (names.has(hub.name)) throw new XenkeysError('usage', `two consoles are both called ${hub.name}`);
    names.add(hub.name);
  }
  ensureAttachDir(dir);
  const listening: Listening[] = [];
  try {
    for (const hub of list) listening.push(await listen(hub, socketPath(dir, hub.name)));
  } catch (error) {
    await Promise.all(listening.map(stop));
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    dir,
    sockets: new Map(listening.map((l) => [l.hub.name, l.path])),
    clients: (name) => listening.find((l) => l.hub.name === name)?.sessions.size ?? 0,
    close: () => (closed ??= Promise.all(listening.map(stop)).then(() => undefined)),
  };
}

async function listen(hub: ConsoleHub, file: string): Promise<Listening> {
  await clearStale(file, hub.name);
  const sessions = new Set<AttachSession>();
  const status = (): HubStatus => ({
    ...hub.status(),
    viewers: [...sessions].filter((s) => s.mode === 'ro').length,
  });
  const server = createServer((socket) => {
    sessions.add(new AttachSession(socket, hub, status, (s) => sessions.delete(s)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new XenkeysError('write-failed', `cannot listen on ${file}: ${error.message}`, {
          hint:
            error.code === 'EADDRINUSE' ? 'Something appeared at that path meanwhile; try again.' : undefined,
        }),
      ),
    );
    // bind() never follows a symlink: it fails if anything at all is at the path.
    server.listen(file, () => resolve());
  });
  // The folder is ours and 0700, so nobody could reach the socket between bind and chmod.
  chmodSync(file, 0o600);
  server.on('error', () => undefined);
  return { hub, server, path: file, ino: lstatSync(file).ino, sessions };
}

/** A socket of ours that nobody answers on is a dead watcher's: remove it. Anything else: refuse. */
async function clearStale(file: string, name: string): Promise<void> {
  const { state, why } = socketState(file);
  if (state === 'missing') return;
  if (state === 'foreign') {
    throw new XenkeysError('usage', `refusing the attach socket ${file}: it ${why}`, {
      hint: 'Remove it yourself if it is yours to remove; xenkeys never replaces what it did not make.',
    });
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = createConnection(file);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) {
    throw new XenkeysError('usage', `${name} is already being watched: another watcher listens on ${file}`, {
      hint: 'Attach to it (`xenkeys connect --attach NAME`) or stop it first; one watcher per console.',
    });
  }
  unlinkSync(file);
}

async function stop(l: Listening): Promise<void> {
  const closed = new Promise<void>((resolve) => l.server.close(() => resolve()));
  for (const session of [...l.sessions]) session.end();
  await closed;
  // Node unlinks its own socket on close; make sure, but never remove a replacement.
  try {
    const now = lstatSync(l.path);
    if (now.isSocket() && now.ino === l.ino) unlinkSync(l.path);
  } catch {
    // already gone
  }
}
