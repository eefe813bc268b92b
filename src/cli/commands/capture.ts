// `xenkeys capture`: connect, learn the host's keys, press each one and keep its output, and
// return input to where it was found — on every path out, Ctrl-C and a lost line included.
// Reads top to bottom as the session's life.

import { systemClock } from '../../core/clock.js';
import { isXenkeysError, XenkeysError, type ErrorCode } from '../../core/errors.js';
import { LOSS_CODES } from '../../console/lost.js';
import type { KeyCapture } from '../../console/key-runner.js';
import { inputAsFound, restoreInput, switchTo } from '../../console/switcher.js';
import { XenConsole } from '../../console/xen-console.js';
import { waitForQuiet } from '../../console/quiet.js';
import { ReconnectingTransport } from '../../transports/reconnecting.js';
import type { Transport } from '../../transports/transport.js';
import type { CaptureOptions } from '../../capture/capture-options.js';
import { captureExitCode } from '../exit-codes.js';
import { pressKeys } from '../../capture/capture-keys.js';
import { planKeys, refuseUnambiguouslyDangerous } from '../../console/key-plan.js';
import { createProgress } from '../../capture/progress.js';
import { describeWriteError } from '../../record/safe-files.js';
import { openOutput, openSessionOutput } from '../session-files.js';
import { captureReportTarget, captureResult, writeCaptureResults } from '../capture-results.js';
import { startCaptureReport } from '../../capture/capture-report.js';
import { trapSignals } from '../signals.js';
import {
  addCaptureFlags,
  captureOptionsFrom,
  progressModeFrom,
  type CaptureFlags,
} from '../capture-flags.js';
import type { CommandContext } from '../command-context.js';
import { addTransportFlags, createTransport, withTarget, type TransportFlags } from '../transport-options.js';
import { addInbandFlag, runInbandCapture } from '../inband-capture.js';

export function register({ program, exit, reportError }: CommandContext): void {
  const command = program
    .command('capture')
    .argument('[target]', 'a named target from the config file')
    .description('press debug keys on a Xen console and keep everything they print');
  addInbandFlag(addCaptureFlags(addTransportFlags(command), { keys: 'post-mortem', quietGap: 1000 }))
    .option(
      '--json',
      'print one JSON object on stdout (the captures.json summary and paths) instead of the table',
    )
    .action(async (target: string | undefined, flags: TransportFlags & CaptureFlags & { json?: boolean }) => {
      const all = withTarget(flags, target, command);
      const options = { ...captureOptionsFrom(all), json: Boolean(flags.json) };
      const run = all.inband ? runInbandCapture : runCapture;
      const result = await run(() => createTransport(all, systemClock), options, {
        progress: await createProgress(progressModeFrom(all)),
      });
      if (result.error) reportError(result.error);
      exit(result.exitCode);
    });
}

// The options live apart (capture-options.ts) so flags, key pressing and this command form no circle.
export {
  DEFAULT_CAPTURE,
  type CaptureDeps,
  type CaptureOptions,
  type CaptureResult,
} from '../../capture/capture-options.js';
import type { CaptureDeps, CaptureResult } from '../../capture/capture-options.js';

export async function runCapture(
  makeTransport: () => Transport | Promise<Transport>,
  options: CaptureOptions,
  deps: CaptureDeps = {},
): Promise<CaptureResult> {
  const clock = deps.clock ?? systemClock;
  const progress = deps.progress ?? (await createProgress());
  const stdout = deps.stdout ?? process.stdout;

  // 1. Plan the keys and refuse the unambiguously dangerous ones before touching the host.
  const keys = planKeys(options.keys);
  if (!options.allowDangerous) refuseUnambiguouslyDangerous(keys);

  // 2. The transport (usage errors surface here), the output folder and the recorders: a folder we
  //    cannot write is found out here, before anything touches the host.
  const transport = new ReconnectingTransport(await makeTransport(), options.reconnect, clock);
  const stop = new AbortController();
  const out = openOutput(options.out, options.reuseOut ?? false, clock.wallNow());
  const files = await openSessionOutput(out, {
    title: `xenkeys capture: ${transport.description}`,
    wallStart: clock.wallNow(),
    recordInput: options.recordInput,
    // A full disk mid-session: stop pressing keys, return input, keep what was written.
    onFailure: (error, file) =>
      stop.abort(new XenkeysError('write-failed', `could not write ${describeWriteError(error, file)}`)),
  });
  const console = new XenConsole(transport, {
    clock,
    conswitch: options.conswitch,
    confirmWindowMs: options.confirmTimeoutMs,
    quietMs: options.timing.quietMs,
  });
  console.onEvent((event) => files.write(event));
  // The report is written as the session runs (report.json, report.md).
  const report = options.report
    ? startCaptureReport(console, captureReportTarget(out, files, transport.description))
    : null;

  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    progress.warn(message);
  };
  console.onRefusal((r) => warn(`held back input (${r.reason}): ${r.detail}`));
  const signals =
    deps.trapSignals === false
      ? null
      : trapSignals((name, count) => {
          if (count === 1) progress.warn(`${name}: stopping, returning input to where it was found…`);
          else progress.warn(`${name} again: giving up on returning input; it may still be at Xen`);
        });
  const signal = signals ? AbortSignal.any([signals.signal, stop.signal]) : stop.signal;
  const switchOptions = { confirmTimeoutMs: options.confirmTimeoutMs, signal };

  const captures: KeyCapture[] = [];
  let loss: ErrorCode | null = null;
  let endedAfterUntil = false;
  transport.onClose((reason) => {
    if (reason.kind !== 'local')
      loss = reason.kind === 'error' && reason.code ? reason.code : 'transport-lost';
  });
  let failure: unknown = null;
  let restored: boolean;
  let connected = false;
  try {
    // 3. Connect. A line, not a spinner: opening may ask for a password or passphrase on this terminal.
    progress.info(`connecting to ${transport.description}…`);
    await transport.open();
    connected = true;
    progress.succeed(`connected to ${transport.description}`);
    const waitLine = (re: RegExp): Promise<unknown> => {
      progress.step(`waiting for a line matching ${re}`);
      return console.waitForLine((line) => re.test(line.text), {
        timeoutMs: options.waitTimeoutMs,
        what: `a line matching ${re}`,
        ...(signal ? { signal } : {}),
      });
    };
    if (options.waitFor) await waitLine(options.waitFor);
    if (options.type !== undefined) {
      await switchTo(console, 'dom0', switchOptions);
      progress.step(`typing at dom0: ${options.type}`);
      await console.send(Buffer.from(`${options.type}\r`, 'utf8'), 'keyboard');
    }
    if (options.until) {
      await waitLine(options.until);
      // The match is often a panic's first line: let the whole trace arrive before pressing keys.
      progress.step('waiting for the output to go quiet');
      await waitForQuiet(console, { ...options.timing, firstOutputMs: options.timing.quietMs, signal }).catch(
        (error: unknown) => {
          if (!(isXenkeysError(error) && LOSS_CODES.has(error.code))) throw error;
          // The line ending here is quiet too; with nothing left to press, the output just ended.
          if (keys.length === 0 && options.keys !== 'all-safe') endedAfterUntil = true;
        },
      );
    }

    // 4-6. Learn the host's keys, judge danger by its own descriptions, press the keys one by one.
    if (keys.length > 0 || options.keys === 'all-safe') {
      await pressKeys(console, keys, options, {
        ...switchOptions,
        progress,
        warn,
        onCapture: (c) => captures.push(c),
      });
    }
  } catch (error) {
    failure = stop.signal.aborted ? stop.signal.reason : error;
  } finally {
    // 7. Return input to where it was found — unless the line is gone for good, or the console never
    //    answered a switch (a second triple could arrive after the first and flip input again).
    if (transport.isOpen && console.input.unanswered === 0) {
      try {
        progress.step(
          `returning input to ${console.input.found === 'unknown' ? 'where it was' : console.input.found}`,
        );
        await restoreInput(console, {
          confirmTimeoutMs: options.confirmTimeoutMs,
          ...(signals ? { signal: signals.urgent } : {}),
        });
        restored = inputAsFound(console.input);
        if (console.input.found !== 'unknown') progress.succeed(`input is back on ${console.input.found}`);
        else progress.stop();
      } catch (error) {
        restored = false;
        failure ??= error;
        progress.fail(`could not return input: ${(error as Error).message}`);
      }
    } else {
      restored = inputAsFound(console.input);
    }
    await transport.close('capture finished').catch(() => undefined);
    files.close();
    signals?.dispose();
    progress.stop();
  }

  const interrupted = signals?.received ?? null; // 8. Results: captures.json, summary, exit code.
  const exitCode = captureExitCode({
    failure,
    restored,
    interrupted,
    captures,
    loss: endedAfterUntil ? null : loss,
  });
  // The unanswered-switch error says what to do itself; anything else gets the way back here.
  if (!restored && console.input.unanswered === 0) {
    progress.fail(
      `input may still be at ${console.input.target === 'unknown' ? 'an unknown target' : console.input.target}: ` +
        'press Ctrl-A three times on the console (or run `xenkeys switch --to dom0 …`)',
    );
  }
  if (files.failure) {
    const n = files.unstoredBytes;
    progress.fail(
      `${n} received byte${n === 1 ? '' : 's'} could not be stored (${describeWriteError(files.failure.error, files.failure.file)}); ` +
        'everything received before that is in the files' +
        (restored && console.input.found !== 'unknown' ? `; input is back on ${console.input.found}` : ''),
    );
  }
  const capturesWritten = await writeCaptureResults({
    transport,
    conswitch: options.conswitch,
    input: { found: console.input.found, final: console.input.target, restored },
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
  });
  console.dispose();
  return captureResult({
    written: capturesWritten,
    connected,
    exitCode,
    failure,
    interrupted,
    outDir: out.dir,
    captures,
  });
}
