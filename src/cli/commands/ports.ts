// `xenkeys ports`: the serial ports on this machine (works without udevadm).

import { listSerialPorts } from '../../transports/list-ports.js';

export async function runPorts(stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  const ports = await listSerialPorts();
  if (ports.length === 0) {
    stdout.write('no serial ports found\n');
    return 0;
  }
  for (const port of ports) stdout.write(`${port.path}\t${port.description}\n`);
  return 0;
}
