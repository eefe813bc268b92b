// xenkeys' composition root: build the command line from the command modules, run one command,
// and turn whatever happened into a documented exit code (README "Exit codes").

import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { terminalText } from '../core/text-controls.js';
import { isXenkeysError } from '../core/errors.js';
import { tolerateClosedPipes } from '../capture/closed-pipe.js';
import type { CommandContext } from './command-context.js';
import * as capture from './commands/capture.js';
import * as connect from './commands/connect.js';
import * as demo from './commands/demo.js';
import * as diff from './commands/diff.js';
import * as ports from './commands/ports.js';
import * as replay from './commands/replay.js';
import * as report from './commands/report.js';
import * as switchInput from './commands/switch.js';
import * as watch from './commands/watch.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from './version.js';

const COMMANDS: ReadonlyArray<{ register(ctx: CommandContext): void }> = [
  capture,
  connect,
  replay,
  report,
  diff,
  demo,
  switchInput,
  ports,
  watch,
];

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  tolerateClosedPipes();
  const program = new Command('xenkeys')
    .version(VERSION)
    .description(
      'A Xen-aware console client: switch input to the hypervisor, capture debug keys completely, record and report.',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const ctx: CommandContext = { program, exit: (code) => (exitCode = code), reportError };
  for (const command of COMMANDS) command.register(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    return reportError(error);
  }
  return exitCode;
}

/** Print an error the way a user can act on it, and return its exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help / version, which are not errors).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (isXenkeysError(error)) {
    process.stderr.write(`${pc.red('xenkeys:')} ${terminalText(error.message)}\n`);
    if (error.hint) process.stderr.write(`${pc.dim(terminalText(error.hint))}\n`);
    return EXIT[error.code];
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${pc.red('xenkeys: internal error:')} ${terminalText(detail)}\n`);
  return EXIT.internal;
}
