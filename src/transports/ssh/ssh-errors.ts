// Why an SSH connection could not be made, in words a person can act on: ssh2's error levels
// (socket, timeout, handshake) mapped to 'connect-failed' with a hint for each.

import { XenkeysError } from '../../core/errors.js';

export function connectFailure(
  description: string,
  endpoint: string,
  err: Error & { level?: string; code?: string },
  timeoutMs: number,
): XenkeysError {
  const fail = (message: string, hint: string): XenkeysError =>
    new XenkeysError('connect-failed', `${description}: ${message}`, { hint, cause: err });
  if (err.level === 'client-timeout') {
    return fail(
      `no SSH login within ${timeoutMs / 1000} s`,
      'The host answered but the SSH handshake stalled: a busy BMC can take long; check the port is SSH.',
    );
  }
  if (err.level === 'handshake' || err.level === 'protocol') {
    return fail(
      `SSH handshake failed: ${err.message}`,
      'The server may offer only algorithms ssh2 does not speak (old BMC firmware), or the port is not SSH.',
    );
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return fail(
        err.message,
        `nothing is listening on ${endpoint}; is SSH enabled on the BMC and is the port right (OpenBMC's console is on 2200)?`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(err.message, 'the host name does not resolve; check the spelling or use an IP address');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return fail(
        err.message,
        'no route to that host; check the address, the management network and any firewall',
      );
    case 'ECONNRESET':
      return fail(
        err.message,
        'the server dropped the connection; it may allow only a few sessions at a time',
      );
    default:
      return fail(err.message, 'check the host, the port and that it speaks SSH');
  }
}
