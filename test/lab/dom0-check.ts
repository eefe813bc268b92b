// Proves where Xen sends serial input by typing at the console as a user would: `echo $((6*7))ok`
// reads back as `42ok` only if dom0's shell evaluated it (at Xen the bytes are debug keys, and
// the echoed command line itself shows `$((6*7))ok`).

import { once } from 'node:events';
import { connect } from 'node:net';
import { SerialPort } from 'serialport';
import { waitForData } from './wait-data.js';
import type { XenLab } from './xen-lab.js';

/** Resolves if dom0's shell answers; rejects (with what came back) if it does not within timeoutMs. */
export async function expectDom0Answers(lab: XenLab, timeoutMs = 20_000): Promise<void> {
  const marker = `${Math.floor(Math.random() * 900) + 100}`;
  const command = `echo $((6*7))ok${marker}\r`;
  const expected = `42ok${marker}`;
  if (lab.tcpPort !== undefined) {
    const socket = connect(lab.tcpPort, '127.0.0.1');
    try {
      await once(socket, 'connect');
      const seen = waitForData(socket, expected, timeoutMs);
      socket.write(command);
      await seen;
    } finally {
      socket.destroy();
    }
    return;
  }
  const port = new SerialPort({ path: lab.ptyPath!, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  try {
    const seen = waitForData(port, expected, timeoutMs);
    seen.catch(() => undefined); // the log may answer first
    // QEMU notices a new pty reader about once a second; the log is the oracle for when dom0 ran it.
    const from = lab.log().length;
    port.write(command);
    await Promise.race([seen, lab.waitForLog(expected, { from, timeoutMs })]);
  } finally {
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
