// SSH console flags (`--ssh [USER@]HOST[:PORT]`, keys, known_hosts, BMC presets) and the transport
// they describe. Filled in by the SSH work (issue 3); until then --ssh is refused clearly.

import type { Command } from 'commander';
import type { Clock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import type { Transport } from '../transports/transport.js';

export interface SshFlags {
  ssh?: string;
}

export function addSshFlags(command: Command): Command {
  return command.option('--ssh <[user@]host[:port]>', 'an SSH console (BMC or console server)');
}

export function createSshTransport(flags: SshFlags, _clock: Clock): Transport {
  throw new XenkeysError('usage', `--ssh ${flags.ssh}: SSH consoles are not available in this build yet`);
}
