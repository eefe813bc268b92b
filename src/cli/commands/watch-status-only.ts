// A stand-in `xenkeys watch` that only knows --status (and --json), until the watcher itself lands:
// the lead replaces this registration with watch.ts, which calls watchStatus() for --status.

import type { CommandContext } from '../command-context.js';
import { XenkeysError } from '../../core/errors.js';
import { watchStatus } from './watch-status.js';

export function register({ program, exit, reportError }: CommandContext): void {
  program
    .command('watch')
    .description('list the consoles running watchers hold (--status)')
    .option('--status', 'list watched consoles and their state, asking each watcher')
    .option('--json', 'with --status: JSON instead of a table')
    .action(async (flags: { status?: boolean; json?: boolean }) => {
      try {
        if (!flags.status) throw new XenkeysError('usage', 'this build only knows `xenkeys watch --status`');
        exit(await watchStatus({ json: Boolean(flags.json) }));
      } catch (error) {
        exit(reportError(error));
      }
    });
}
