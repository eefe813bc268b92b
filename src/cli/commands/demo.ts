// `xenkeys demo`: the capture pipeline on a simulated Xen console built from a real recorded
// session, so the tool can be tried with no hardware. It says plainly that it is simulated.

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pc from 'picocolors';
import { systemClock } from '../../core/clock.js';
import { terminalText } from '../../core/text-controls.js';
import { capturesFromEvents } from '../../pipeline/session-fold.js';
import type { KeyCapture } from '../../console/key-runner.js';
import { readRecording } from '../../record/session-reader.js';
import { simScriptFromSession } from '../../sim/script-from-recording.js';
import { SimulatedXenTransport } from '../../sim/simulated-transport.js';
import { recordedKeys, resolveDemoRecording } from '../demo-recordings.js';
import { runCapture, type CaptureOptions, type CaptureResult } from './capture.js';
import {
  addCaptureFlags,
  captureOptionsFrom,
  progressModeFrom,
  type CaptureFlags,
} from '../capture-flags.js';
import { createProgress, type Progress } from '../../capture/progress.js';
import type { CommandContext } from '../command-context.js';
import { onTerminal } from '../terminal.js';

export function register({ program, exit, reportError }: CommandContext): void {
  const command = program
    .command('demo')
    .description('try it on a simulated Xen console built from a real recording (no hardware)');
  addCaptureFlags(command, {
    keys: 'post-mortem',
    quietGap: 200,
    outDir: `a new ${path.join(os.tmpdir(), 'xenkeys-demo-XXXXXX')}`,
  })
    .option(
      '--recording <name|file>',
      'simulate from this recording: a bundled one by name (xen-4.17-guests: nine guests) or a session.cast; its keys are pressed unless --keys is given',
    )
    .option('--full', 'print every line of every capture')
    .option('--no-tui', 'the scripted capture even on a terminal (what runs when stdout is not a terminal)')
    .option('--prefix <key>', "the interactive console's local command prefix", '^]')
    .action(
      async (flags: CaptureFlags & { recording?: string; full?: boolean; tui: boolean; prefix: string }) => {
        // On a terminal the demo is the interactive console on the simulator; in pipes and CI, the scripted capture.
        if (flags.tui && onTerminal()) {
          try {
            exit(
              await (
                await import('../demo-tui.js')
              ).runDemoTui(captureOptionsFrom(flags), flags.prefix, resolveDemoRecording(flags.recording)),
            );
          } catch (error) {
            exit(reportError(error));
          }
          return;
        }
        const result = await runDemo(
          {
            ...captureOptionsFrom(flags),
            ...(flags.recording ? { recording: flags.recording } : {}),
            keysFromRecording:
              flags.recording !== undefined && command.getOptionValueSource('keys') === 'default',
            full: Boolean(flags.full),
          },
          process.stdout,
          await createProgress(progressModeFrom(flags)),
        );
        if (result.error) reportError(result.error);
        exit(result.exitCode);
      },
    );
}

export { DEMO_RECORDING } from '../demo-recordings.js';

export async function runDemo(
  options: CaptureOptions & { recording?: string; full?: boolean; keysFromRecording?: boolean },
  stdout: NodeJS.WritableStream = process.stdout,
  progress?: Progress,
): Promise<CaptureResult> {
  const file = resolveDemoRecording(options.recording);
  const recording = await readRecording(file);
  const script = simScriptFromSession(capturesFromEvents(recording.events));
  const keys = options.keysFromRecording ? recordedKeys(script) : options.keys;
  stdout.write(
    pc.yellow(`This console is SIMULATED from a recording of real Xen 4.17 (${recordingName(file)}).\n`),
  );
  stdout.write(
    pc.dim(
      'Connect to a real one with: xenkeys capture --serial /dev/ttyUSB0 | --tcp HOST:PORT | --spawn CMD\n\n',
    ),
  );
  const out = options.out ?? mkdtempSync(path.join(os.tmpdir(), 'xenkeys-demo-'));
  const result = await runCapture(
    () => new SimulatedXenTransport({ script, clock: systemClock, source: recordingName(file) }),
    { ...options, keys, out },
    { stdout, ...(progress ? { progress } : {}) },
  );
  stdout.write('\n');
  for (const capture of result.captures) printCapture(stdout, capture, options.full ?? false);
  return result;
}

const PREVIEW_LINES = 12;

function printCapture(out: NodeJS.WritableStream, c: KeyCapture, full: boolean): void {
  out.write(
    pc.bold(
      `── key '${terminalText(c.key)}'${c.description ? `: ${terminalText(c.description)}` : ''} — ${c.lines} lines, ${c.bytes} bytes ──\n`,
    ),
  );
  const lines = c.text === '' ? [] : c.text.split('\n');
  const shown = full ? lines : lines.slice(0, PREVIEW_LINES);
  // Console text: its controls are shown, never applied to this terminal.
  for (const line of shown) out.write(`${terminalText(line)}\n`);
  if (shown.length < lines.length)
    out.write(pc.dim(`… ${lines.length - shown.length} more lines (--full shows all)\n`));
  out.write('\n');
}

/** `xen-4.17-guests/session.cast` for a capture folder's cast, else the file's name. */
function recordingName(file: string): string {
  const base = path.basename(file);
  return base === 'session.cast' ? path.join(path.basename(path.dirname(file)), base) : base;
}
