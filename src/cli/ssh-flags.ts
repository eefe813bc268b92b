// SSH console flags (`--ssh [USER@]HOST[:PORT]`, -i, --known-hosts, --accept-new, BMC presets) and
// the SshTransport they describe. The host-key policy is OpenSSH's: unknown keys are refused unless
// --accept-new, changed keys always.

import { Command, Option } from 'commander';
import type { Clock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import { bmcCommand } from '../transports/ssh/ssh-target.js';
import type { Transport } from '../transports/transport.js';

export interface SshFlags {
  ssh?: string;
  identity?: string[];
  knownHosts?: string[];
  acceptNew?: boolean;
  bmc?: string;
  sshCommand?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addSshFlags(command: Command): Command {
  return command
    .option('--ssh <[user@]host[:port]>', 'an SSH console: a BMC (see --bmc) or a console server')
    .option(
      '-i, --identity <file>',
      'SSH private key (repeatable); tried before ssh-agent and ~/.ssh/id_*',
      collect,
    )
    .option(
      '--known-hosts <file>',
      'known_hosts file read besides ~/.ssh/known_hosts (repeatable); --accept-new writes to the first',
      collect,
    )
    .option('--accept-new', 'store an unknown SSH host key (changed keys are still refused)')
    .addOption(
      new Option('--bmc <preset>', 'SSH console command: idrac, ilo, smash or conserver:NAME').conflicts(
        'sshCommand',
      ),
    )
    .option('--ssh-command <command>', 'run this on the SSH server to reach the console (default: a shell)');
}

export async function createSshTransport(flags: SshFlags, _clock: Clock): Promise<Transport> {
  if (flags.bmc !== undefined && flags.sshCommand !== undefined) {
    throw new XenkeysError('usage', 'give --bmc or --ssh-command, not both');
  }
  const command = flags.bmc !== undefined ? bmcCommand(flags.bmc) : flags.sshCommand;
  const { SshTransport } = await import('../transports/ssh/ssh.js');
  return new SshTransport({
    address: flags.ssh!,
    ...(command !== undefined ? { command } : {}),
    ...(flags.identity ? { identityFiles: flags.identity } : {}),
    ...(flags.knownHosts ? { knownHostsFiles: flags.knownHosts } : {}),
    acceptNew: Boolean(flags.acceptNew),
  });
}
