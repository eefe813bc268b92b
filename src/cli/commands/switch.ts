// `xenkeys switch --to xen|dom0`: move Xen's serial input and leave it there (recovery after an
// interrupted session, or before handing the console to another tool).

import type { Command } from 'commander';
import { systemClock } from '../../core/clock.js';
import { XenkeysError } from '../../core/errors.js';
import { switchTo } from '../../console/switcher.js';
import { XenConsole } from '../../console/xen-console.js';
import type { Transport } from '../../transports/transport.js';
import type { CommandContext } from '../command-context.js';
import {
  addTransportFlags,
  createTransport,
  intOption,
  withTarget,
  type TransportFlags,
} from '../transport-options.js';

export function register({ program, exit }: CommandContext): void {
  addTransportFlags(
    program
      .command('switch')
      .argument('[target]', 'a named target')
      .description('move Xen serial input to xen or dom0 and leave it there'),
  )
    .requiredOption('--to <where>', 'xen, dom0 or dom<N>')
    .option('--conswitch <letter>', "Xen's conswitch= letter", 'a')
    .option(
      '--confirm-timeout <ms>',
      "how long to wait for Xen's reply",
      intOption('--confirm-timeout', 100),
      5000,
    )
    .action(
      async (
        target: string | undefined,
        flags: TransportFlags & { to: string; conswitch: string; confirmTimeout: number },
        command: Command,
      ) => {
        const all = withTarget(flags, target, command);
        exit(
          await runSwitch(await createTransport(all, systemClock), {
            to: all.to,
            conswitch: all.conswitch,
            confirmTimeoutMs: all.confirmTimeout,
          }),
        );
      },
    );
}

export async function runSwitch(
  transport: Transport,
  options: { to: string; conswitch: string; confirmTimeoutMs: number },
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!/^(xen|dom\d+)$/.test(options.to)) {
    throw new XenkeysError('usage', `--to ${options.to}: say xen, dom0 or dom<N>`);
  }
  const console = new XenConsole(transport, {
    clock: systemClock,
    conswitch: options.conswitch,
    confirmWindowMs: options.confirmTimeoutMs,
  });
  await transport.open();
  try {
    await switchTo(console, options.to as 'xen' | `dom${number}`, {
      confirmTimeoutMs: options.confirmTimeoutMs,
    });
    stdout.write(`input: ${console.input.target.toUpperCase()}\n`);
    return 0;
  } finally {
    await transport.close('switch done');
    console.dispose();
  }
}
