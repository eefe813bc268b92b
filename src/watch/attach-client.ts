// The client's first steps on an attach socket, shared by `connect --attach` and `watch --status`:
// find the console's socket (checking that folder and socket are ours), connect, and turn every
// way that can fail into an error that says what to do.

import { createConnection, type Socket } from 'node:net';
import { XenkeysError } from '../core/errors.js';
import { checkAttachDir, listAttachable, socketPath, socketState } from './attach-dir.js';
import { FRAME, FrameReader, frame, parseJson } from './attach-protocol.js';
import type { HubStatus } from './hub.js';

/** Connects to console `name`'s socket in `dir`, or throws an error naming the consoles there are. */
export async function connectAttach(dir: string, name: string): Promise<Socket> {
  checkAttachDir(dir);
  const file = socketPath(dir, name);
  const { state, why } = socketState(file);
  if (state === 'foreign') {
    throw new XenkeysError('usage', `refusing the attach socket ${file}: it ${why}`, {
      hint: 'Only a socket of yours, mode 0600, is trusted; remove that file.',
    });
  }
  if (state === 'missing') throw noSuchConsole(dir, name);
  return new Promise<Socket>((resolve, reject) => {
    const socket = createConnection(file);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(
        error.code === 'ECONNREFUSED'
          ? new XenkeysError(
              'connect-failed',
              `the watcher of ${name} is not running (${file} is left over)`,
              {
                hint: 'Start `xenkeys watch` again; it replaces its own stale sockets.',
                cause: error,
              },
            )
          : new XenkeysError('connect-failed', `cannot reach the watcher of ${name}: ${error.message}`, {
              cause: error,
            }),
      );
    });
  });
}

export function noSuchConsole(dir: string, name: string): XenkeysError {
  const names = listAttachable(dir);
  return new XenkeysError('usage', `no watched console called ${name}`, {
    hint:
      names.length > 0
        ? `Watched consoles: ${names.join(', ')}.`
        : `No watcher is listening in ${dir}: start one with \`xenkeys watch …\` (as the same user).`,
  });
}

/** Asks one console's watcher for its status. */
export async function askStatus(dir: string, name: string, timeoutMs = 5_000): Promise<HubStatus> {
  const socket = await connectAttach(dir, name);
  return new Promise<HubStatus>((resolve, reject) => {
    const reader = new FrameReader();
    const timer = setTimeout(() => fail(new Error('no answer in time')), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new XenkeysError('connect-failed', `the watcher of ${name} did not say its status: ${error.message}`),
      );
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of reader.push(chunk)) {
          if (f.type !== FRAME.status) continue;
          clearTimeout(timer);
          socket.destroy();
          resolve(parseJson<HubStatus>(f.payload, 'status'));
        }
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('it hung up')));
    socket.write(frame(FRAME.statusRequest));
  });
}
