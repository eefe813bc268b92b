// What the lab's own daemons (ser2net, conserver) share: free loopback ports, "is it listening yet"
// read from /proc/net/tcp (a probe connection would itself open the serial line), and process
// groups that never outlive the test run.

import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const live = new Set<number>();
let hookInstalled = false;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when something listens on 127.0.0.1:port (or on every address), without connecting. */
export function listening(port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .some((line) => {
      const [, local, , state] = line.trim().split(/\s+/);
      return state === '0A' && (local === `0100007F:${hex}` || local === `00000000:${hex}`);
    });
}

/**
 * Re-checks `ready` on a short tick until it holds. A daemon that prints nothing when it is up
 * leaves no event to wait on; `failed` ends the wait early, the deadline bounds it.
 */
export async function waitUntil(
  ready: () => boolean,
  failed: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ready()) {
    if (failed()) throw new Error('the process exited');
    if (performance.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Kill the child's whole group if the test process exits without stopping it. */
export function trackGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  live.add(child.pid);
  if (!hookInstalled) {
    hookInstalled = true;
    process.on('exit', () => live.forEach((pid) => signal(pid, 'SIGKILL')));
  }
}

/** SIGTERM to the group, SIGKILL after 5 s; resolves once the child has exited. */
export async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signal(pid, 'SIGTERM');
    const hard = setTimeout(() => signal(pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(hard);
  }
  // The group may outlive its leader (strace's tracee): make sure nothing stays.
  signal(pid, 'SIGKILL');
  live.delete(pid);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: already gone.
  }
}
