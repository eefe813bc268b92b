// Documented exit codes (README "Exit codes"): scripts around `xenkeys capture` branch on these.

import type { ErrorCode } from '../core/errors.js';

export const EXIT: Readonly<Record<ErrorCode | 'ok', number>> = {
  ok: 0,
  internal: 1,
  usage: 2,
  'connect-failed': 3,
  'port-busy': 4,
  'switch-not-confirmed': 5,
  'key-timeout': 6,
  'transport-lost': 7,
  'dangerous-key': 8,
  'auth-failed': 9,
  'host-key': 10,
  'sol-busy': 11,
  'bmc-unresponsive': 12,
  'tool-missing': 13,
  'bad-input': 14,
  'wait-timeout': 15,
  interrupted: 130,
};

/** 128 + signal number, as shells report it. */
export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
};
