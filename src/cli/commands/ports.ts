// `xenkeys ports`: the serial ports on this machine (works without udevadm).

import { listSerialPorts } from '../../transports/list-ports.js';
import type { CommandContext } from '../command-context.js';

export function register({ program, exit }: CommandContext): void {
  program
    .command('ports')
    .description('list serial ports on this machine')
    .action(async () => exit(await runPorts()));
}

export async function runPorts(stdout: NodeJS.WritableStream = process.stdout): Promise<number> {
  const ports = await listSerialPorts();
  if (ports.length === 0) {
    stdout.write('no serial ports found\n');
    return 0;
  }
  for (const port of ports) stdout.write(`${port.path}\t${port.description}\n`);
  return 0;
}
