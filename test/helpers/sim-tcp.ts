// The simulated Xen (real console rules, canned output) behind a TCP port on 127.0.0.1, so the built
// CLI can `capture --tcp` it as a user would capture ser2net or QEMU's serial socket.

import { createServer, type Server, type Socket } from 'node:net';
import { systemClock } from '../../src/core/clock.js';
import { XenSimulator, type SimScript } from '../../src/sim/xen-sim.js';
import { tinyScript } from './sim-console.js';

export interface SimTcp {
  port: number;
  close(): Promise<void>;
}

export async function simXenOverTcp(script: SimScript = tinyScript()): Promise<SimTcp> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const sim = new XenSimulator(script, {
      clock: systemClock,
      emit: (bytes) => void (socket.writable && socket.write(bytes)),
    });
    socket.on('data', (bytes: Buffer) => sim.receive(bytes));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
