// A line that ended under a wait becomes an error that keeps its cause (a dead BMC is not just "lost").

import { XenkeysError } from '../core/errors.js';
import type { CloseReason } from '../transports/transport.js';

/** The connection ended under a wait: keep its cause's code (a dead BMC is not just "lost"). */
export function lostError(reason: CloseReason, what: string): XenkeysError {
  const code = reason.kind === 'error' && reason.code ? reason.code : 'transport-lost';
  return new XenkeysError(code, `connection closed while waiting for ${what}: ${reason.message}`);
}

/** Error codes that mean the line is gone (as opposed to a refusal or a usage error). */
export const LOSS_CODES: ReadonlySet<string> = new Set(['transport-lost', 'bmc-unresponsive']);
