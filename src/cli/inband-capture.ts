// `xenkeys capture --inband`: the keys go through a shell on dom0 (`--ssh root@dom0`, `--spawn CMD`,
// or the dom0 prompt on a console line): `xl debug-keys K` presses, `xl dmesg` reads back
// (src/inband). Same files as a serial capture — session.cast/raw record the shell exchange as it
// happened, marked in-band — and the same captures.json and report.

import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import type { KeyCapture } from '../console/key-runner.js';
import { startEventReport } from '../capture/capture-report.js';
import { Dom0Shell } from '../inband/dom0-shell.js';
import { InbandKeys } from '../inband/press.js';
import type { Transport } from '../transports/transport.js';
import { planKeys, refuseUnambiguouslyDangerous } from '../console/key-plan.js';
import { captureReportTarget, captureResult, writeCaptureResults } from './capture-results.js';
import type { CaptureDeps, CaptureOptions, CaptureResult } from '../capture/capture-options.js';
import { captureExitCode } from './exit-codes.js';
import { createProgress } from '../capture/progress.js';
import { describeWriteError } from '../record/safe-files.js';
import { openOutput, openSessionOutput } from './session-files.js';
import { trapSignals } from './signals.js';

export function addInbandFlag(command: Command): Command {
  return command.option(
    '--inband',
    'press the keys through a shell on dom0 (--ssh root@dom0, --spawn CMD): xl debug-keys, then xl dmesg',
  );
}

/** Capture options that only make sense on a console line. */
function refuseLineOnly(options: CaptureOptions): void {
  const given = [
    options.waitFor && '--wait-for',
    options.type !== undefined && '--type',
    options.until && '--until',
  ].filter(Boolean);
  if (given.length > 0)
    throw new XenkeysError('usage', `--inband cannot be combined with ${given.join(', ')}`, {
      hint: 'Those watch the console line; in-band capture reads Xen through dom0. Drop --inband to use them.',
    });
}

export async function runInbandCapture(
  makeTransport: () => Transport | Promise<Transport>,
  options: CaptureOptions,
  deps: CaptureDeps = {},
): Promise<CaptureResult> {
  const clock = deps.clock ?? systemClock;
  const progress = deps.progress ?? (await createProgress());
  const stdout = deps.stdout ?? process.stdout;
  refuseLineOnly(options);
  const keys = planKeys(options.keys);
  if (!options.allowDangerous) refuseUnambiguouslyDangerous(keys);

  const transport = await makeTransport();
  const stop = new AbortController();
  const out = openOutput(options.out, options.reuseOut ?? false, clock.wallNow());
  const files = await openSessionOutput(out, {
    title: `xenkeys capture: ${transport.description}`,
    header: { xenkeys_capture: 'inband' },
    wallStart: clock.wallNow(),
    recordInput: options.recordInput,
    onFailure: (error, file) =>
      stop.abort(new XenkeysError('write-failed', `could not write ${describeWriteError(error, file)}`)),
  });
  const digits = Array.from({ length: 8 }, () => String(randomInt(1, 10))).join('');
  const nonce = Array.from({ length: 12 }, () => randomInt(0, 36).toString(36)).join('');
  const shell = new Dom0Shell(transport, { clock, nonce, probeDigits: digits });
  const report = options.report
    ? startEventReport(captureReportTarget(out, files, transport.description, true))
    : null;
  shell.onEvent((event) => {
    files.write(event);
    report?.push(event);
  });

  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    progress.warn(message);
  };
  const signals =
    deps.trapSignals === false
      ? null
      : trapSignals((name) => progress.warn(`${name}: stopping after the command running on dom0…`));
  const signal = signals ? AbortSignal.any([signals.signal, stop.signal]) : stop.signal;
  const captures: KeyCapture[] = [];
  let failure: unknown = null;
  let connected = false;
  let lost = false;
  transport.onClose((reason) => {
    if (reason.kind !== 'local') lost = true;
  });
  try {
    progress.info(`connecting to ${transport.description}…`);
    await transport.open();
    connected = true;
    shell.mark({
      type: 'note',
      text: 'in-band capture: keys pressed with xl debug-keys, read with xl dmesg',
    });
    progress.step('looking for a dom0 shell');
    const found = await shell.begin(Math.max(options.timing.firstOutputMs, 1_000), signal);
    progress.succeed(`dom0 shell found${found.uid === 0 ? ' (root)' : ''}; xl is ${found.xl}`);
    const inband = new InbandKeys(
      shell,
      { timeoutMs: options.timing.capMs, allowDangerous: options.allowDangerous, signal },
      {
        onKeyStart: (key, description) => progress.step(`key ${key} (xl debug-keys) ${description ?? ''}`),
        onCapture: (c) => {
          captures.push(c);
          progress.succeed(`key ${c.key}: ${c.lines} lines, ${c.bytes} bytes (${c.endReason})`);
        },
        warn,
      },
    );
    await inband.readRingAsFound();
    const allSafe = options.keys === 'all-safe';
    if (keys.length > 0 || allSafe) await inband.pressAll(keys, options.discover, allSafe);
  } catch (error) {
    failure = stop.signal.aborted ? stop.signal.reason : error;
  } finally {
    shell.dispose();
    await transport.close('capture finished').catch(() => undefined);
    files.close();
    signals?.dispose();
    progress.stop();
  }

  const interrupted = signals?.received ?? null;
  const exitCode = captureExitCode({
    failure,
    restored: true, // nothing was switched: the console line's input was never touched
    interrupted,
    captures,
    loss: lost && !interrupted ? 'transport-lost' : null,
  });
  const written = await writeCaptureResults({
    transport,
    conswitch: options.conswitch,
    // Nothing was switched: the console line's input was never touched.
    input: { found: 'unknown', final: 'unknown', restored: true },
    exitCode,
    failure,
    interrupted,
    warnings,
    captures,
    out,
    files,
    connected,
    report,
    json: Boolean(options.json),
    progress,
    stdout,
    inband: true,
  });
  return captureResult({ written, connected, exitCode, failure, interrupted, outDir: out.dir, captures });
}
