// `xenkeys replay FILE`: play a recording (xenkeys' own casts, asciinema's v1/v2/v3, or a raw log)
// in the TUI with pause, speed, markers and the captures re-cut from it; or, with --no-tui or
// when stdout is not a terminal, as plain output in real time or at --speed (max: all at once).
// Plain output keeps what draws on the screen and drops what would act on the user's terminal
// (record/safe-terminal.ts): a recording is console text, and console text is untrusted. --raw
// passes every byte, as asciinema does.

import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { claimErrors, writeFailureOf, writeOrStop } from '../../capture/closed-pipe.js';
import { XenkeysError } from '../../core/errors.js';
import type { SessionEvent } from '../../core/session-event.js';
import { SafeTerminalBytes } from '../../record/safe-terminal.js';
import { readRecording, type Recording } from '../../record/session-reader.js';
import { parsePrefix } from '../../tui/keymap.js';
import { ReplayPlayer } from '../../tui/replay-player.js';
import type { CommandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { sessionFileOf } from '../session-folder.js';
import { onTerminal } from '../terminal.js';

interface ReplayFlags {
  tui: boolean;
  raw?: boolean;
  hyperlinks?: boolean;
  speed: number;
  idleLimit?: number;
  prefix: string;
}

function speedOption(value: string): number {
  if (value === 'max') return Infinity;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError('give a positive number (2 = twice as fast) or max.');
  return n;
}

function secondsOption(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('give a positive number of seconds.');
  return n;
}

export function register({ program, exit, reportError }: CommandContext): void {
  program
    .command('replay')
    .argument(
      '<file>',
      'a recording: session.cast, an asciinema cast (v1/v2/v3), a raw log, or the folder capture/connect wrote',
    )
    .description('play a recording back: in the TUI with markers and captures, or to stdout')
    .option('--no-tui', 'play to stdout in real time (or at --speed) instead of the TUI')
    .option(
      '--raw',
      'with --no-tui: pass every byte, even sequences that set the clipboard, the title or make the terminal answer',
    )
    .option(
      '--hyperlinks',
      'with --no-tui: keep OSC 8 hyperlinks (dropped by default: only their text shows)',
    )
    .option('--speed <x>', 'playback speed: 2 is twice as fast; max plays everything at once', speedOption, 1)
    .option(
      '--idle-limit <s>',
      "shorten pauses longer than this (default: the cast's idle_time_limit)",
      secondsOption,
    )
    .option('--prefix <key>', 'the prefix key (prefix then q quits, as in connect)', '^]')
    .action(async (file: string, flags: ReplayFlags) => {
      try {
        exit(await runReplay(file, flags));
      } catch (error) {
        exit(reportError(error));
      }
    });
}

export async function runReplay(given: string, flags: ReplayFlags): Promise<number> {
  const file = await sessionFileOf(given);
  const recording = await load(file);
  const idleLimit = flags.idleLimit ?? headerIdleLimit(recording);
  if (!flags.tui || !onTerminal()) {
    // A stdout that fails (a full disk) stops the playback, and the command fails with it.
    claimErrors(process.stdout);
    await playToStream(recording.events, process.stdout, {
      speed: flags.speed,
      idleLimit,
      raw: Boolean(flags.raw),
      hyperlinks: Boolean(flags.hyperlinks),
    });
    const failure = writeFailureOf(process.stdout, 'stdout', STDOUT_HINT);
    if (failure) throw failure;
    return EXIT.ok;
  }
  let prefix: number;
  try {
    prefix = parsePrefix(flags.prefix);
  } catch (error) {
    throw new XenkeysError('usage', (error as Error).message);
  }
  const title = typeof recording.header?.title === 'string' ? recording.header.title : undefined;
  const { ReplaySession } = await import('../../tui/replay-session.js');
  const session = new ReplaySession({
    events: recording.events,
    name: path.basename(file),
    ...(title !== undefined ? { title } : {}),
    stdin: process.stdin,
    stdout: process.stdout,
    prefix,
    speed: flags.speed,
    idleLimit,
  });
  await session.run();
  return EXIT.ok;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const STDOUT_HINT = 'Where stdout goes has no room for it: free some space, or send it to another disk.';

/**
 * Plain playback: output bytes only (markers and input are not console output), honouring backpressure;
 * made safe for a terminal unless `raw`. A reader that goes away (`| head`) stops it quietly.
 */
export async function playToStream(
  events: readonly SessionEvent[],
  out: NodeJS.WritableStream,
  options: { speed: number; idleLimit: number | null; raw?: boolean; hyperlinks?: boolean },
): Promise<void> {
  const player = new ReplayPlayer(events, { now: () => performance.now() }, options);
  const safe = options.raw ? null : new SafeTerminalBytes({ hyperlinks: options.hyperlinks ?? false });
  // False once the reader has gone: stop, as any Unix tool does.
  const write = (data: Uint8Array | string): Promise<boolean> =>
    data.length > 0 ? writeOrStop(out, data) : Promise.resolve(true);
  for (;;) {
    for (const event of player.due()) {
      if (event.type === 'output' && !(await write(safe ? safe.push(event.bytes) : event.bytes))) return;
    }
    const ms = player.msUntilNext();
    if (ms === null) return void (await write(safe?.flush() ?? ''));
    // Waiting for the recording's own next event time: this is the playback clock, not a sync.
    // Capped to setTimeout's range: beyond it Node fires at once, and the loop would spin.
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_TIMEOUT_MS)));
  }
}

async function load(file: string): Promise<Recording> {
  try {
    return await readRecording(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new XenkeysError('bad-input', `cannot replay ${file}: ${why}`, {
      hint: 'Give a session.cast from capture/connect, an asciinema recording, or a raw log.',
    });
  }
}

function headerIdleLimit(recording: Recording): number | null {
  const limit = recording.header?.idle_time_limit;
  return typeof limit === 'number' && limit > 0 ? limit : null;
}
