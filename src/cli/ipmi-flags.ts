// IPMI Serial-over-LAN flags (`--ipmi HOST` with ipmitool-style -U -p -C -L -I) and the transport
// they describe. Filled in by the IPMI work (issue 3); until then --ipmi is refused clearly.

import type { Command } from 'commander';
import type { Clock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import type { Transport } from '../transports/transport.js';

export interface IpmiFlags {
  ipmi?: string;
}

export function addIpmiFlags(command: Command): Command {
  return command.option('--ipmi <host>', 'IPMI Serial-over-LAN through ipmitool (BMC address)');
}

export function createIpmiTransport(flags: IpmiFlags, _clock: Clock): Transport {
  throw new XenkeysError('usage', `--ipmi ${flags.ipmi}: IPMI SOL is not available in this build yet`);
}
