// What a command module gets when it registers: the program to add itself to, and a way to set
// the process's exit code. Each command lives in commands/<name>.ts and exports `register`.

import type { Command } from 'commander';

export interface CommandContext {
  program: Command;
  /** Record the exit code of the command that ran. */
  exit(code: number): void;
  /** Print an error the way a user can act on it; returns its exit code. */
  reportError(error: unknown): number;
}
