// What `xenkeys capture` is asked to do (capture-flags.ts reads it from the command line; the
// command, commands/capture.ts, and the key pressing, capture-keys.ts, read it): apart from all three
// so that none of them imports another in a circle.

import type { KeyCapture, KeyTiming } from '../console/key-runner.js';
import type { Clock } from '../core/clock.js';
import type { Progress } from './progress.js';
import { DEFAULT_TIMING } from '../console/key-runner.js';
import { DEFAULT_RECONNECT, type ReconnectPolicy } from '../transports/reconnecting.js';

export interface CaptureOptions {
  keys: string;
  out?: string;
  conswitch: string;
  timing: KeyTiming;
  confirmTimeoutMs: number;
  allowDangerous: boolean;
  recordInput: boolean;
  discover: boolean;
  reconnect: ReconnectPolicy;
  /** Before anything else, wait for a line matching this (a host finishing its boot, say). */
  waitFor?: RegExp;
  /** Type this line at dom0 (input is moved there first): to trigger what is to be captured. */
  type?: string;
  /** After typing, keep recording until a line matches this. */
  until?: RegExp;
  /** How long --wait-for and --until may wait. */
  waitTimeoutMs: number;
  /** Write report.json and report.md at the end (built in memory: skip it for huge sessions). */
  report: boolean;
  /** Write into an --out that already holds a session, under the next free number. */
  reuseOut?: boolean;
  /** Print one JSON object on stdout instead of the table. */
  json?: boolean;
}

export const DEFAULT_CAPTURE: Omit<CaptureOptions, 'keys'> = {
  conswitch: 'a',
  timing: DEFAULT_TIMING,
  confirmTimeoutMs: 5_000,
  allowDangerous: false,
  recordInput: false,
  discover: true,
  reconnect: DEFAULT_RECONNECT,
  waitTimeoutMs: 300_000,
  report: true,
};

export interface CaptureDeps {
  clock?: Clock;
  progress?: Progress;
  stdout?: NodeJS.WritableStream;
  /** Trap SIGINT/SIGTERM (off in tests that run several captures in one process). */
  trapSignals?: boolean;
}

export interface CaptureResult {
  exitCode: number;
  outDir: string;
  captures: KeyCapture[];
  /** What went wrong, for the caller to print; the exit code already accounts for it. */
  error: unknown;
}
