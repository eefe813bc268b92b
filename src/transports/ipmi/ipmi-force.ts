// --force: `ipmitool … sol deactivate` before activating, so a SOL session left behind by a killed
// client (or held by someone else) is ended first. Opt-in: it disconnects whoever holds the console.

import type { XenkeysError } from '../../core/errors.js';
import type { OpenAttempt } from './ipmi-attempt.js';
import { deactivateSol } from './ipmi-command.js';
import type { IpmitoolMessage } from './ipmi-messages.js';

export interface ForceRun {
  file: string;
  args: string[];
  env: Record<string, string>;
  escape: number;
  timeoutMs: number;
  attempt: OpenAttempt;
  /** Each line ipmitool printed, as the session's own lines are reported. */
  onLine: (text: string, message: IpmitoolMessage | null) => void;
}

/** Resolves with a note for the recording; rejects with the reason activation cannot follow. */
export async function forceDeactivate(run: ForceRun): Promise<string> {
  const result = await deactivateSol(run.file, run.args, run.env, run.escape, run.timeoutMs);
  for (const line of result.lines) run.onLine(line.text, line.message);
  if (result.lines.some((l) => l.message?.outcome.kind === 'failure')) {
    const error: XenkeysError = await run.attempt.explain('sol deactivate failed');
    throw error;
  }
  run.attempt.said.length = 0; // what deactivate said is not why activation might fail
  return result.deactivated
    ? '--force: deactivated the SOL session the BMC had (whoever held it was disconnected)'
    : '--force: no SOL session was active';
}
