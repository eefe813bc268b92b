// xenkeys' composition root: build the command line from the command modules, run one command,
// and turn whatever happened into a documented exit code (README "Exit codes").

import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { terminalText } from '../core/text-controls.js';
import { isXenkeysError } from '../core/errors.js';
import { tolerateClosedPipes } from '../capture/closed-pipe.js';
import type { CommandContext } from './command-context.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from './version.js';

type CommandModule = { register(ctx: CommandContext): void };

/**
 * Each command's module by name, in the order help lists them. Only the command being run is loaded
 * (help and an unknown command load them all): every command's modules cost 0.1–0.2 s of each run.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['capture', () => import('./commands/capture.js')],
  ['connect', () => import('./commands/connect.js')],
  ['replay', () => import('./commands/replay.js')],
  ['report', () => import('./commands/report.js')],
  ['diff', () => import('./commands/diff.js')],
  ['demo', () => import('./commands/demo.js')],
  ['switch', () => import('./commands/switch.js')],
  ['ports', () => import('./commands/ports.js')],
  ['watch', () => import('./commands/watch.js')],
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
  const named = COMMANDS.filter(([name]) => name === argv[0]);
  for (const [, load] of named.length > 0 ? named : COMMANDS) (await load()).register(ctx);
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
