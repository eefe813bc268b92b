// SSH's BREAK (RFC 4335): a "break" channel request carrying the break length in milliseconds.
// ssh2 has no method for it, so this builds the packet the way ssh2's own Protocol.signal() builds
// its "signal" request, with want-reply set so a server that cannot send BREAK says so.

import { createRequire } from 'node:module';
import type { Client, ClientChannel } from 'ssh2';
import { XenkeysError } from '../../core/errors.js';

/** OpenSSH's `~B` asks for 1000 ms; servers on ptys ignore the length, BMC UARTs honour it. */
export const BREAK_MS = 1000;
const CHANNEL_REQUEST = 98;

interface PacketWriter {
  allocStart: number;
  alloc(size: number): Buffer;
  finalize(packet: Buffer): Buffer;
}
interface ClientInternals {
  _protocol?: { _packetRW?: { write?: PacketWriter } };
}
interface ChannelInternals {
  outgoing?: { id?: number };
  _callbacks?: ((failed: boolean) => void)[];
}

// ssh2's sendPacket queues packets during a key re-exchange instead of encrypting them early.
const { sendPacket } = createRequire(import.meta.url)('ssh2/lib/protocol/utils.js') as {
  sendPacket: (protocol: unknown, packet: Buffer) => boolean;
};

/** Resolves true when the server confirms the BREAK, false when it refuses it. */
export function sendBreakRequest(client: Client, channel: ClientChannel, ms = BREAK_MS): Promise<boolean> {
  const protocol = (client as unknown as ClientInternals)._protocol;
  const writer = protocol?._packetRW?.write;
  const chan = channel as unknown as ChannelInternals;
  const recipient = chan.outgoing?.id;
  if (!protocol || !writer || recipient === undefined || !Array.isArray(chan._callbacks)) {
    return Promise.reject(
      new XenkeysError('internal', 'this version of ssh2 has changed inside: cannot send an SSH BREAK', {
        hint: 'Pin ssh2 to the version in package-lock.json, or report this.',
      }),
    );
  }
  return new Promise((resolve) => {
    // The server's CHANNEL_SUCCESS / CHANNEL_FAILURE comes back through the channel's reply queue.
    chan._callbacks!.push((failed) => resolve(!failed));
    let p = writer.allocStart;
    const packet = writer.alloc(1 + 4 + 4 + 5 + 1 + 4);
    packet[p] = CHANNEL_REQUEST;
    packet.writeUInt32BE(recipient, ++p);
    packet.writeUInt32BE(5, (p += 4));
    packet.write('break', (p += 4), 'latin1');
    packet[(p += 5)] = 1; // want reply
    packet.writeUInt32BE(ms, p + 1);
    sendPacket(protocol, writer.finalize(packet));
  });
}
