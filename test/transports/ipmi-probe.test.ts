// The sessionless BMC probe: byte for byte the request ipmitool itself sends first, a reply as
// ipmi_sim sends it, and real UDP peers that answer, stay silent, or cannot be looked up.

import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authCapabilitiesRequest,
  isAuthCapabilitiesReply,
  probeBmc,
} from '../../src/transports/ipmi/ipmi-probe.js';

// Captured on this machine: ipmitool 1.8.19's first datagram, and ipmi_sim's answer to ours.
const IPMITOOL_FIRST = '0600ff07000000000000000000092018c88100388e04b5';
const IPMI_SIM_REPLY = '0600ff0700000000000000000010811c6320043800019704030000000005';

const sockets: Socket[] = [];
afterEach(() => sockets.splice(0).forEach((s) => s.close()));

/** A UDP peer on loopback that counts requests and answers them if asked to. */
async function peer(answer: boolean): Promise<{ port: number; received: Buffer[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const received: Buffer[] = [];
  socket.on('message', (packet, from) => {
    received.push(packet);
    if (answer) socket.send(Buffer.from(IPMI_SIM_REPLY, 'hex'), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, received };
}

describe('BMC probe', () => {
  it('sends what ipmitool sends first (Get Channel Authentication Capabilities)', () => {
    expect(authCapabilitiesRequest(0).toString('hex')).toBe(IPMITOOL_FIRST);
    // Another sequence number changes that byte and the second checksum only.
    expect(authCapabilitiesRequest(1).toString('hex')).toBe('0600ff07000000000000000000092018c88104388e04b1');
  });

  it('recognises the reply and nothing else', () => {
    expect(isAuthCapabilitiesReply(Buffer.from(IPMI_SIM_REPLY, 'hex'))).toBe(true);
    expect(isAuthCapabilitiesReply(Buffer.from(IPMITOOL_FIRST, 'hex'))).toBe(false);
    expect(isAuthCapabilitiesReply(Buffer.alloc(30))).toBe(false);
  });

  it('says alive at the first answer', async () => {
    const bmc = await peer(true);
    expect(await probeBmc('127.0.0.1', bmc.port, { attempts: 5, intervalMs: 1000 })).toBe('alive');
    expect(bmc.received).toHaveLength(1);
  });

  it('says silent after `attempts` unanswered datagrams', async () => {
    const bmc = await peer(false);
    expect(await probeBmc('127.0.0.1', bmc.port, { attempts: 3, intervalMs: 50 })).toBe('silent');
    expect(bmc.received.map((p) => isAuthCapabilitiesReply(p))).toEqual([false, false, false]);
    expect(bmc.received).toHaveLength(3);
  });

  it('says unknown when it cannot ask (a name that does not resolve, or aborted)', async () => {
    expect(await probeBmc('bmc.invalid', 623)).toBe('unknown');
    const bmc = await peer(false);
    const abort = new AbortController();
    const result = probeBmc('127.0.0.1', bmc.port, { attempts: 100, intervalMs: 1000, signal: abort.signal });
    abort.abort();
    expect(await result).toBe('unknown');
  });
});
