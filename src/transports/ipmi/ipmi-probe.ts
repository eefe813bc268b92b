// Is the BMC answering at all? One sessionless "Get Channel Authentication Capabilities" over UDP
// (the first thing ipmitool itself sends): no login, no session slot, no password. ipmitool's own
// keepalive takes ~100 s to give up on a dead BMC and prints the same error for a silent BMC as for
// a wrong password; this answers both questions in a few seconds.

import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';

export type ProbeResult = 'alive' | 'silent' | 'unknown';

export interface ProbeOptions {
  /** Datagrams to send, one per interval, before calling the BMC silent. Default 5. */
  attempts?: number;
  /** Wait between datagrams, and after the last. Default 1000 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
}

const NETFN_APP = 0x06;
const GET_CHANNEL_AUTH_CAP = 0x38;

/** RMCP + IPMI v1.5 sessionless request: channel "this one", v2.0 data wanted, admin level. */
export function authCapabilitiesRequest(seq: number): Buffer {
  const msg = [0x20, NETFN_APP << 2, 0, 0x81, (seq & 0x3f) << 2, GET_CHANNEL_AUTH_CAP, 0x8e, 0x04, 0];
  msg[2] = checksum(msg.slice(0, 2));
  msg[8] = checksum(msg.slice(3, 8));
  // RMCP v1.0, no ACK, class IPMI; then auth type none, sequence 0, session 0, length.
  return Buffer.from([0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, msg.length, ...msg]);
}

/** A reply to that request: RMCP class IPMI, netfn App response, the same command. */
export function isAuthCapabilitiesReply(packet: Uint8Array): boolean {
  if (packet.length < 21 || packet[0] !== 0x06 || packet[3] !== 0x07) return false;
  // With auth type none the message starts at 14; with a (v1.5) auth code, 16 bytes later.
  const at = packet[4] === 0x00 ? 14 : 30;
  return (
    packet[at + 1] !== undefined &&
    packet[at + 1]! >> 2 === NETFN_APP + 1 &&
    packet[at + 5] === GET_CHANNEL_AUTH_CAP
  );
}

function checksum(bytes: number[]): number {
  return (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
}

/**
 * 'alive' on the first reply; 'silent' when none of `attempts` datagrams is answered within
 * attempts × intervalMs; 'unknown' when the probe itself cannot run (name lookup, no route).
 */
export async function probeBmc(host: string, port: number, options: ProbeOptions = {}): Promise<ProbeResult> {
  const attempts = options.attempts ?? 5;
  const intervalMs = options.intervalMs ?? 1000;
  let address: { address: string; family: number };
  try {
    address = await lookup(host);
  } catch {
    return 'unknown';
  }
  if (options.signal?.aborted) return 'unknown';
  const socket: Socket = createSocket(address.family === 6 ? 'udp6' : 'udp4');
  return new Promise<ProbeResult>((resolve) => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (result: ProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      socket.close();
      resolve(result);
    };
    const onAbort = (): void => finish('unknown');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('message', (packet) => isAuthCapabilitiesReply(packet) && finish('alive'));
    socket.on('error', () => finish('unknown'));
    const send = (): void => {
      if (done) return;
      if (sent === attempts) return finish('silent');
      socket.send(authCapabilitiesRequest(++sent), port, address.address, (error) => {
        if (error) finish('unknown');
      });
      timer = setTimeout(send, intervalMs);
    };
    send();
  });
}
