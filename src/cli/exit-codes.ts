// Documented exit codes (README "Exit codes"): scripts around `xenkeys capture` branch on these.

import { XenkeysError, type ErrorCode } from '../core/errors.js';
import type { KeyCapture } from '../console/key-runner.js';

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
  'write-failed': 16,
  interrupted: 130,
};

/** 128 + signal number, as shells report it. */
export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number>> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
};

/** What a capture's exit code says, most important first. */
export function captureExitCode(o: {
  failure: unknown;
  restored: boolean;
  interrupted: NodeJS.Signals | null;
  captures: KeyCapture[];
  /** Why the line was given up for good, if it was. */
  loss: ErrorCode | null;
}): number {
  // The line is gone: its cause is the news (stderr already says input may be left at Xen).
  if (o.loss) return EXIT[o.loss];
  if (!o.restored) return EXIT['switch-not-confirmed'];
  if (o.interrupted) return SIGNAL_EXIT[o.interrupted as keyof typeof SIGNAL_EXIT] ?? EXIT.interrupted;
  if (o.failure instanceof XenkeysError) return EXIT[o.failure.code];
  if (o.failure) return EXIT.internal;
  if (o.captures.some((c) => c.endReason === 'no-output')) return EXIT['key-timeout'];
  if (o.captures.some((c) => c.endReason === 'transport-lost')) return EXIT['transport-lost'];
  return EXIT.ok;
}
