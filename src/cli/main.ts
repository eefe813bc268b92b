// xenkeys' composition root: parse the command line, wire real transports, clock, files and UI,
// run one command, and turn whatever happened into a documented exit code.

import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { systemClock } from '../core/clock.js';
import { isXenkeysError } from '../core/errors.js';
import { addCaptureFlags, captureOptionsFrom, type CaptureFlags } from './capture-flags.js';
import { runCapture, type CaptureResult } from './commands/capture.js';
import { runDemo } from './commands/demo.js';
import { runPorts } from './commands/ports.js';
import { runSwitch } from './commands/switch.js';
import { EXIT } from './exit-codes.js';
import { addTransportFlags, createTransport, intOption, type TransportFlags } from './transport-options.js';
import { VERSION } from './version.js';

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT.ok;
  const program = new Command('xenkeys')
    .version(VERSION)
    .description(
      'A Xen-aware console client: switch input to the hypervisor, capture debug keys completely, record and report.',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  addCaptureFlags(
    addTransportFlags(
      program
        .command('capture')
        .description('press debug keys on a Xen console and keep everything they print'),
    ),
    { keys: 'post-mortem', quietGap: 1000 },
  ).action(async (flags: TransportFlags & CaptureFlags) => {
    const result = await runCapture(() => createTransport(flags, systemClock), captureOptionsFrom(flags));
    exitCode = finish(result);
  });

  addCaptureFlags(
    program
      .command('demo')
      .description('try it on a simulated Xen console built from a real recording (no hardware)'),
    {
      keys: 'post-mortem',
      quietGap: 200,
    },
  )
    .option('--recording <file>', 'simulate from this recording instead of the bundled one')
    .option('--full', 'print every line of every capture')
    .action(async (flags: CaptureFlags & { recording?: string; full?: boolean }) => {
      const result = await runDemo({
        ...captureOptionsFrom(flags),
        ...(flags.recording ? { recording: flags.recording } : {}),
        full: Boolean(flags.full),
      });
      exitCode = finish(result);
    });

  addTransportFlags(
    program.command('switch').description('move Xen serial input to xen or dom0 and leave it there'),
  )
    .requiredOption('--to <target>', 'xen, dom0 or dom<N>')
    .option('--conswitch <letter>', "Xen's conswitch= letter", 'a')
    .option(
      '--confirm-timeout <ms>',
      "how long to wait for Xen's reply",
      intOption('--confirm-timeout', 100),
      5000,
    )
    .action(async (flags: TransportFlags & { to: string; conswitch: string; confirmTimeout: number }) => {
      exitCode = await runSwitch(createTransport(flags, systemClock), {
        to: flags.to,
        conswitch: flags.conswitch,
        confirmTimeoutMs: flags.confirmTimeout,
      });
    });

  program
    .command('ports')
    .description('list serial ports on this machine')
    .action(async () => {
      exitCode = await runPorts();
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    return reportError(error);
  }
  return exitCode;
}

function finish(result: CaptureResult): number {
  if (result.error) reportError(result.error);
  return result.exitCode;
}

/** Print an error the way a user can act on it, and return its exit code. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help / version, which are not errors).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isXenkeysError(error)) {
    process.stderr.write(`${pc.red('xenkeys:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${pc.dim(error.hint)}\n`);
    return EXIT[error.code];
  }
  process.stderr.write(
    `${pc.red('xenkeys: internal error:')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.internal;
}
