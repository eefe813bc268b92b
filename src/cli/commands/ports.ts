// `xenkeys ports`: the serial ports on this machine (works without udevadm). `--json` gives scripts
// one JSON array instead of the lines meant for people.

import { listSerialPorts, type SerialPortEntry } from '../../transports/list-ports.js';
import type { CommandContext } from '../command-context.js';

export function register({ program, exit }: CommandContext): void {
  program
    .command('ports')
    .description('list serial ports on this machine')
    .option('--json', 'print a JSON array of {path, description, source}')
    .action(async (flags: { json?: boolean }) => exit(await runPorts(process.stdout, Boolean(flags.json))));
}

export async function runPorts(
  stdout: NodeJS.WritableStream = process.stdout,
  json = false,
  list: () => Promise<SerialPortEntry[]> = listSerialPorts,
): Promise<number> {
  const ports = await list();
  if (json) {
    stdout.write(`${JSON.stringify(ports)}\n`);
    return 0;
  }
  if (ports.length === 0) {
    stdout.write('no serial ports found\n');
    return 0;
  }
  for (const port of ports) stdout.write(`${port.path}\t${port.description}\n`);
  return 0;
}
