// serialport's own binding, with one fix: on Unix its read loop retries forever when read(2)
// returns 0 — which is exactly what a hung-up tty returns (a pty whose far end, QEMU `-serial pty`
// or socat, went away). The port then spins at 100% CPU and never reports the loss. Here 0 is
// treated as the disconnect it is; everything else is delegated untouched.

import { read } from 'node:fs';
import { SerialPort } from 'serialport';

interface BindingPort {
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

/** The public fields of bindings-cpp's Unix port that the read loop needs. */
interface UnixPort {
  fd: number | null;
  poller: { once(event: 'readable', callback: (err: Error | null) => void): unknown };
}

const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

// serialport's binding type is a union over platforms; this object has the same shape on each.
const base = SerialPort.binding as unknown as {
  list(): Promise<unknown>;
  open(options: object): Promise<BindingPort>;
};

export const hangupAwareBinding = {
  list: () => base.list(),
  async open(options: object): Promise<BindingPort> {
    const port = await base.open(options);
    const unix = port as unknown as Partial<UnixPort>;
    // Windows has neither; leave it be.
    if (unix.fd === undefined || unix.poller === undefined) return port;
    const target = unix as UnixPort;
    port.read = (buffer, offset, length) => readOrHangUp(target, buffer, offset, length);
    return port;
  },
} as unknown as typeof SerialPort.binding;

async function readOrHangUp(
  port: UnixPort,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    const fd = port.fd;
    // `canceled` tells the stream this is our own close, not a loss (as bindings-cpp does).
    if (fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
    try {
      const bytesRead = await new Promise<number>((resolve, reject) =>
        read(fd, buffer, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))),
      );
      if (bytesRead > 0) return { buffer, bytesRead };
      // VMIN=1 and O_NONBLOCK: "no data" is EAGAIN, so 0 can only mean end of line.
      throw new Error('line hung up (the far end closed)');
    } catch (error) {
      if (!RETRY.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      if (port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
      await new Promise<void>((resolve, reject) =>
        port.poller.once('readable', (err) => (err ? reject(err) : resolve())),
      );
    }
  }
}
