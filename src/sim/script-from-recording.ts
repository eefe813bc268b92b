// Build a simulator script from a real recorded session: each key answers with the output that
// real Xen printed for it, and `R` "reboots" into the recorded boot log.

import type { RecutSession } from '../pipeline/session-fold.js';
import { parseSwitchMessage } from '../console/input-target.js';
import type { SimScript } from './xen-sim.js';

export function simScriptFromSession(session: RecutSession): SimScript {
  const keys = new Map<string, string[]>();
  for (const capture of session.captures) {
    if (capture.lines === 0 || keys.has(capture.key)) continue;
    keys.set(capture.key, capture.text.split('\n'));
  }
  return { keys, bootLines: bootLines(session) };
}

/** The boot log: lines up to Xen handing input to dom0 at the end of boot, plus dom0's start-up. */
function bootLines(session: RecutSession): string[] {
  const firstCapture = session.captures[0]?.start ?? Infinity;
  const before = session.otherLines.filter((l) => l.t < firstCapture).map((l) => l.text);
  const handOver = before.findIndex((text) => parseSwitchMessage(text)?.target === 'dom0');
  if (handOver < 0) return [];
  // Keep dom0's own start-up lines after the hand-over, up to the first switch we caused.
  const rest = before.slice(handOver + 1);
  const ourSwitch = rest.findIndex((text) => parseSwitchMessage(text) !== null);
  return [...before.slice(0, handOver + 1), ...(ourSwitch < 0 ? rest : rest.slice(0, ourSwitch))];
}
