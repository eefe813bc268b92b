// Shared by the attach tests: a private temporary attach folder, a client that collects what it
// is sent, and waiting for bytes (never for time).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { AttachTransport, type AttachTransportOptions } from '../../src/watch/attach-transport.js';
import type { TransportNotice } from '../../src/transports/transport.js';
import { FrameReader, type Frame } from '../../src/watch/attach-protocol.js';

export function tempAttachDir(): { dir: string; cleanup(): void } {
  const base = mkdtempSync(path.join(tmpdir(), 'xk-attach-'));
  return { dir: path.join(base, 'xenkeys'), cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface Watching {
  transport: AttachTransport;
  text(): string;
  notices: TransportNotice[];
  /** Resolves once the output matches (default: within 10 s; the lab's emulated host may need more). */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  waitForNotice(pattern: RegExp): Promise<void>;
  /** Notice messages so far, one per line. */
  said(): string;
}

/** An AttachTransport with everything it receives collected. */
export function attachClient(options: AttachTransportOptions): Watching {
  const transport = new AttachTransport(options);
  let received = '';
  const notices: TransportNotice[] = [];
  const waiters = new Set<() => void>();
  transport.onData((bytes) => {
    received += Buffer.from(bytes).toString('latin1');
    waiters.forEach((w) => w());
  });
  transport.onNotice((n) => {
    notices.push(n);
    waiters.forEach((w) => w());
  });
  const said = (): string => notices.map((n) => ('message' in n ? n.message : n.type)).join('\n');
  return {
    transport,
    notices,
    said,
    waitForNotice: (pattern) =>
      waitUntil(
        () => pattern.test(said()),
        waiters,
        () => `for notice ${pattern}: ${said()}`,
      ),
    text: () => received,
    waitFor: (pattern, timeoutMs) =>
      waitUntil(
        () => (typeof pattern === 'string' ? received.includes(pattern) : pattern.test(received)),
        waiters,
        () => `waiting for ${String(pattern)} in ${JSON.stringify(received)}`,
        timeoutMs,
      ),
  };
}

export function waitUntil(
  check: () => boolean,
  waiters: Set<() => void>,
  what: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(poll);
      reject(new Error(`timed out ${what()}`));
    }, timeoutMs);
    const poll = (): void => {
      if (!check()) return;
      clearTimeout(timer);
      waiters.delete(poll);
      resolve();
    };
    waiters.add(poll);
    poll();
  });
}

/** Frames a raw socket receives, for tests that speak the protocol by hand. */
export function collectFrames(socket: Socket): { frames: Frame[]; next(type: number): Promise<Frame> } {
  const reader = new FrameReader();
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    frames.push(...reader.push(chunk));
    waiters.forEach((w) => w());
  });
  return {
    frames,
    next: async (type) => {
      await waitUntil(
        () => frames.some((f) => f.type === type),
        waiters,
        () => `for frame 0x${type.toString(16)}`,
      );
      const i = frames.findIndex((f) => f.type === type);
      return frames.splice(i, 1)[0]!;
    },
  };
}
