// `xenkeys demo` on a terminal: the interactive console on the simulated Xen built from a real
// recording, so switching, the key menu and the side panel can be tried with no hardware. The
// banner and the status line say it is simulated; the session is recorded to a temp folder.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../core/clock.js';
import { capturesFromEvents } from '../pipeline/session-fold.js';
import { readRecording } from '../record/session-reader.js';
import { simScriptFromSession } from '../sim/script-from-recording.js';
import { SimulatedXenTransport } from '../sim/simulated-transport.js';
import type { CaptureOptions } from './commands/capture.js';
import { runLiveTui } from './live-tui.js';

export async function runDemoTui(
  options: CaptureOptions,
  prefix: string,
  recordingFile: string,
): Promise<number> {
  const recording = await readRecording(recordingFile);
  const script = simScriptFromSession(capturesFromEvents(recording.events));
  const source = path.basename(path.dirname(recordingFile));
  const simulated = new SimulatedXenTransport({ script, clock: systemClock, source });
  return runLiveTui(() => simulated, {
    prefix,
    conswitch: options.conswitch,
    out: options.out ?? mkdtempSync(path.join(os.tmpdir(), 'xenkeys-demo-')),
    ...(options.reuseOut ? { reuseOut: true } : {}),
    record: true,
    recordInput: options.recordInput,
    timing: options.timing,
    confirmTimeoutMs: options.confirmTimeoutMs,
    reconnect: options.reconnect,
    simulated: { source },
    // A freshly attached console shows nothing until Enter: show dom0's prompt as if pressed.
    afterOpen: () => simulated.simulator?.prompt(),
  });
}
