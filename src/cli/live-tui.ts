// Runs the interactive console (`connect`, and `demo` on a terminal): the transport with reconnects,
// the console model, the recorder and the TUI, in that order, and afterwards says where the
// recordings are and whether input went back to where it was found. Connect errors print normally.

import path from 'node:path';
import pc from 'picocolors';
import { systemClock } from '../core/clock.js';
import { terminalText } from '../core/text-controls.js';
import { XenkeysError } from '../core/errors.js';
import type { KeyTiming } from '../console/key-runner.js';
import { switchCodeFor } from '../console/input-target.js';
import { learnInput } from '../console/switcher.js';
import { XenConsole } from '../console/xen-console.js';
import { ReconnectingTransport, type ReconnectPolicy } from '../transports/reconnecting.js';
import type { Transport } from '../transports/transport.js';
import { describeByte, parsePrefix } from '../tui/keymap.js';
import { LiveSession } from '../tui/live-session.js';
import type { ReportViewBuilder } from '../tui/report-view.js';
import { writeFileAtomically } from '../record/safe-files.js';
import { EXIT } from './exit-codes.js';
import { prepareOutDir } from './out-dir.js';
import { trapSignals } from './signals.js';
import { createTuiRecorder } from './tui-recorder.js';
import { discardUnusedSession } from './unused-session.js';

export interface LiveTuiOptions {
  conswitch: string;
  /** `--prefix` as typed (^], ctrl-t, 0x1d). */
  prefix: string;
  out?: string;
  /** Write into an --out that already holds a session, under the next free number. */
  reuseOut?: boolean;
  record: boolean;
  recordInput: boolean;
  timing: KeyTiming;
  confirmTimeoutMs: number;
  reconnect: ReconnectPolicy;
  simulated?: { source: string };
  /** Learn where input goes at connect (one confirmed switch and back) instead of showing `?`. */
  probe?: boolean;
  /** Called once the transport is open and the screen is listening (the demo prints a prompt). */
  afterOpen?: () => void;
  /** Where the side panel's view of a capture comes from (the parsed report, once it lands). */
  reportView?: ReportViewBuilder;
}

export async function runLiveTui(
  makeTransport: () => Transport | Promise<Transport>,
  options: LiveTuiOptions,
): Promise<number> {
  const prefix = parsePrefixOption(options.prefix, options.conswitch);
  const clock = systemClock;
  const transport = new ReconnectingTransport(await makeTransport(), options.reconnect, clock);
  const outDir = prepareOutDir(options.out, { reuse: options.reuseOut ?? false, wallNow: clock.wallNow() });
  const console = new XenConsole(transport, {
    clock,
    conswitch: options.conswitch,
    confirmWindowMs: options.confirmTimeoutMs,
    quietMs: options.timing.quietMs,
  });
  const recorder = createTuiRecorder(console, outDir, {
    title: `xenkeys connect: ${transport.description}`,
    recordInput: options.recordInput,
    clock,
  });
  if (options.record) recorder.start();
  const signals = trapSignals();
  const session = new LiveSession({
    console,
    stdin: process.stdin,
    stdout: process.stdout,
    prefix,
    recorder,
    timing: options.timing,
    confirmTimeoutMs: options.confirmTimeoutMs,
    signal: signals.signal,
    urgent: signals.urgent,
    ...(options.simulated ? { simulated: options.simulated } : {}),
    ...(options.reportView ? { reportView: options.reportView } : {}),
  });
  const cleanup = async (): Promise<void> => {
    session.dispose();
    await transport.close('session finished').catch(() => undefined);
    recorder.close();
    signals.dispose();
    console.dispose();
  };
  try {
    await transport.open();
  } catch (error) {
    // cleanup() leaves the alternate screen first, so the caller's error message stays visible.
    await cleanup();
    const files = recorder.casts.flatMap((cast) => [cast, cast.replace(/\.cast$/, '.raw')]);
    await discardUnusedSession(files, outDir.dir, outDir.createdTop);
    throw error;
  }
  // Before the UI reads a key, so nothing typed can land between the two switches.
  if (options.probe) await probe(console, options.confirmTimeoutMs);
  const running = session.run();
  options.afterOpen?.();
  const result = await running;
  await cleanup();
  // Nothing was recorded (--no-record, never started): the folder made for it goes, as on a failed open.
  if (recorder.casts.length === 0) await discardUnusedSession([], outDir.dir, outDir.createdTop);

  const out = process.stdout;
  for (const cast of recorder.casts) out.write(`recorded: ${displayPath(cast)}\n`);
  if (result.captures.length > 0)
    out.write(`${result.captures.length} key capture(s) in the recording's markers\n`);
  const stats = process.env['XENKEYS_TUI_STATS'];
  if (stats)
    writeFileAtomically(
      stats,
      JSON.stringify({ renders: result.renders, renderRequests: result.renderRequests }),
      { replace: true },
    );
  if (!result.restored) {
    const where = console.input.target === 'unknown' ? 'an unknown target' : console.input.target;
    process.stderr.write(
      `${pc.red('xenkeys:')} input may still be at ${where}: ${terminalText((result.error as Error | null)?.message ?? '')}\n` +
        `${pc.dim('press Ctrl-A three times on the console, or run `xenkeys switch --to dom0 …`')}\n`,
    );
    return EXIT['switch-not-confirmed'];
  }
  if (console.input.found !== 'unknown') out.write(`input is back on ${console.input.found}\n`);
  return signals.received ? EXIT.interrupted : EXIT.ok;
}

async function probe(console: XenConsole, confirmTimeoutMs: number): Promise<void> {
  process.stderr.write('xenkeys: asking Xen where input goes (one switch and back)…\n');
  try {
    await learnInput(console, { confirmTimeoutMs });
  } catch (error) {
    process.stderr.write(
      `xenkeys: warning: ${terminalText((error as Error).message)}; input shows as ? until Xen says\n`,
    );
  }
}

function parsePrefixOption(spec: string, conswitch: string): number {
  let prefix: number;
  try {
    prefix = parsePrefix(spec);
  } catch (error) {
    throw new XenkeysError('usage', (error as Error).message);
  }
  if (prefix === switchCodeFor(conswitch)) {
    throw new XenkeysError(
      'usage',
      `--prefix ${describeByte(prefix)} is Xen's switch key (--conswitch ${conswitch})`,
      {
        hint: 'Pick another prefix (the default is ^]): the switch must pass through as three plain presses.',
      },
    );
  }
  return prefix;
}

/** Relative to the working directory when inside it, absolute otherwise. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
