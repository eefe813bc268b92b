// `xenkeys watch TARGET…`: keep consoles connected and recorded with nobody attached, and capture
// the post-mortem keys the moment trouble shows (docs/watch.md). Runs until SIGINT/SIGTERM.

import { closeSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../../core/clock.js';
import { XenkeysError } from '../../core/errors.js';
import { DEFAULT_TIMING } from '../../console/key-runner.js';
import { openForAppend } from '../../record/safe-files.js';
import { OSSTEST_KEYS } from '../../watch/incident.js';
import { metricsRegistry, parseListen, serveMetrics } from '../../watch/metrics.js';
import { BUILTIN_TRIGGERS } from '../../watch/triggers.js';
import { parseDuration, parseSize } from '../../watch/units.js';
import { encodeWatchEvent, type StampedEvent } from '../../watch/watch-events.js';
import type { WatchSettings } from '../../watch/watched-console.js';
import { Watcher } from '../../watch/watcher.js';
import { planKeys, refuseUnambiguouslyDangerous } from '../../console/key-plan.js';
import type { CommandContext } from '../command-context.js';
import { EXIT } from '../exit-codes.js';
import { trapSignals } from '../signals.js';
import { addTransportFlags } from '../transport-options.js';
import { builtinTriggers, consoleSpecs, type ConsoleFlags } from '../watch-consoles.js';
import { watchStatus } from './watch-status.js';
import { startAttachServer } from '../../watch/attach-server.js';
import { defaultAttachDir } from '../../watch/attach-dir.js';
import { VERSION } from '../version.js';

interface WatchFlags extends ConsoleFlags {
  status?: boolean;
  json?: boolean;
  out: string;
  rotate: number;
  rotateAge: number;
  keep: number;
  scrollback: number;
  on: RegExp[];
  onSilence?: number;
  triggers: string;
  incidentKeys: string;
  cooldown: number;
  settle: number;
  quietGap: number;
  events?: string;
  metrics?: string;
  webhook?: string;
  reconnectMax: number;
}

const size = (flag: string) => (v: string) =>
  parseSize(v) ?? fail(`${flag} takes a size such as 256MiB or 64k, not ${JSON.stringify(v)}.`);
const duration = (flag: string) => (v: string) =>
  v === '0' || v === 'never'
    ? 0
    : (parseDuration(v) ??
      fail(`${flag} takes a duration such as 10m, 14d or 500ms, not ${JSON.stringify(v)}.`));
/** capture's and connect's `--quiet-gap <ms>` (a bare number), or a duration; never under `min` ms. */
const millis = (flag: string, min: number) => (v: string) => {
  const ms = /^\s*\d+\s*$/.test(v) ? Number(v) : parseDuration(v);
  return ms !== null && ms >= min
    ? ms
    : fail(
        `${flag} takes milliseconds (as capture's does) or a duration such as 500ms or 2s, at least ${min} ms; not ${JSON.stringify(v)}.`,
      );
};
function fail(message: string): never {
  throw new InvalidArgumentError(message);
}

export function register({ program, exit, reportError }: CommandContext): void {
  const command = program
    .command('watch')
    .argument('[targets...]', 'named targets from the config file')
    .description('keep consoles connected and recorded, and capture debug keys when trouble shows');
  addTransportFlags(command)
    .option('--status', 'list the consoles running watchers hold, and their state (asks each watcher)')
    .option('--json', 'with --status: JSON instead of a table')
    .option('--inventory <file>', "the consoles to watch, in the config file's format (docs/attach.md)")
    .option('--shard <i/n>', 'watch only shard I of N of the inventory (a stable hash of each target name)')
    .option('--name <name>', 'folder name for the console given by flags (default: made from its address)')
    .option('-o, --out <dir>', 'folder with one folder per console (made 0700)', 'xenkeys-watch')
    .addOption(
      new Option('--rotate <size>', 'start a new recording segment past this size')
        .argParser(size('--rotate'))
        .default(256 * 1024 ** 2, '256MiB'),
    )
    .addOption(
      new Option(
        '--rotate-age <duration>',
        'start a new segment once the current one is this old (0: by size only)',
      )
        .argParser(duration('--rotate-age'))
        .default(86_400_000, '1d'),
    )
    .addOption(
      new Option('--keep <duration>', 'remove segments older than this (0: keep all)')
        .argParser(duration('--keep'))
        .default(14 * 86_400_000, '14d'),
    )
    .addOption(
      new Option('--scrollback <size>', 'recent output kept in memory per console (attach, incident context)')
        .argParser(size('--scrollback'))
        .default(128 * 1024, '128KiB'),
    )
    .option('--on <regex>', 'start an incident on a line matching this (repeatable)', collectRegex, [])
    .option(
      '--on-silence <duration>',
      'start an incident when the console prints nothing this long (0: never, as without it)',
      duration('--on-silence'),
    )
    .option(
      '--triggers <list>',
      `built-in triggers, comma-separated, or all, or none (${BUILTIN_TRIGGERS.join(', ')})`,
      'all',
    )
    .option(
      '--incident-keys <keys>',
      'keys an incident presses (after `h`; keys the host lacks are skipped)',
      OSSTEST_KEYS,
    )
    .addOption(
      new Option(
        '--cooldown <duration>',
        'after an incident, start no other on the same console for this long',
      )
        .argParser(duration('--cooldown'))
        .default(600_000, '10m'),
    )
    .addOption(
      new Option(
        '--settle <duration>',
        "wait for the trigger's output to be quiet this long before pressing keys",
      )
        .argParser(duration('--settle'))
        .default(2_000, '2s'),
    )
    .addOption(
      new Option(
        '--quiet-gap <duration>',
        "a key's output is complete after this long without a byte (ms, or 1s…)",
      )
        .argParser(millis('--quiet-gap', 10))
        .default(1_000, '1s'),
    )
    .option('--conswitch <letter>', "the letter from Xen's conswitch= option (a means Ctrl-A)", 'a')
    .option('--events <file>', 'append events (JSON lines) to this file instead of stdout')
    .option('--metrics <host:port>', 'serve Prometheus metrics on http://HOST:PORT/metrics')
    .option('--webhook <url>', 'POST each incident written as JSON to this URL')
    .addOption(
      new Option('--reconnect-max <duration>', 'longest wait between reconnect attempts')
        .argParser(duration('--reconnect-max'))
        .default(30_000, '30s'),
    )
    .action(async (targets: string[], flags: WatchFlags) => {
      try {
        exit(await runWatch(targets, flags, command));
      } catch (error) {
        exit(reportError(error));
      }
    });
}

function collectRegex(value: string, previous: RegExp[]): RegExp[] {
  try {
    return [...previous, new RegExp(value)];
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
}

async function runWatch(targets: string[], flags: WatchFlags, command: Command): Promise<number> {
  if (flags.status) return watchStatus({ json: Boolean(flags.json) });
  const specs = consoleSpecs(targets, flags, command);
  const keys = planKeys(flags.incidentKeys);
  refuseUnambiguouslyDangerous(keys);
  const settings: WatchSettings = {
    out: path.resolve(flags.out),
    segments: { maxBytes: flags.rotate, maxAgeMs: flags.rotateAge || Infinity, keepMs: flags.keep },
    scrollbackBytes: flags.scrollback,
    triggers: { builtins: builtinTriggers(flags.triggers), patterns: flags.on, commandQuietMs: 2_000 },
    silenceMs: flags.onSilence || null,
    cooldownMs: flags.cooldown,
    plan: {
      keys: keys.join(''),
      timing: { ...DEFAULT_TIMING, quietMs: flags.quietGap || DEFAULT_TIMING.quietMs },
      settleMs: flags.settle,
      settleCapMs: 120_000,
      confirmTimeoutMs: 5_000,
      conswitch: flags.conswitch,
    },
    reconnect: { initialDelayMs: 500, maxDelayMs: flags.reconnectMax || 30_000 },
    version: VERSION,
  };
  const eventsFd = flags.events ? writable(flags.events, () => openForAppend(flags.events!)) : null;
  const writeEvent = (e: StampedEvent): void => {
    const line = encodeWatchEvent(e);
    if (eventsFd !== null) writeSync(eventsFd, line);
    else process.stdout.write(line);
  };
  const watcher = writable(
    settings.out,
    () =>
      new Watcher(specs, settings, systemClock, {
        onEvent: writeEvent,
        ...(flags.webhook ? { webhook: flags.webhook } : {}),
      }),
  );
  const signals = trapSignals();
  let metrics: Awaited<ReturnType<typeof serveMetrics>> | null = null;
  let attach: Awaited<ReturnType<typeof startAttachServer>> | null = null;
  try {
    if (flags.metrics) {
      const listen = parseListen(flags.metrics);
      if (!listen)
        throw new XenkeysError('usage', `--metrics ${flags.metrics}: give HOST:PORT`, {
          hint: 'e.g. --metrics 127.0.0.1:9464',
        });
      metrics = await serveMetrics(
        metricsRegistry(() => watcher.consoles),
        listen.host,
        listen.port,
      );
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      process.stderr.write(`xenkeys watch: metrics on http://${host}:${metrics.port}/metrics\n`);
    }
    await watcher.start();
    // People attach through these sockets (connect --attach, watch --status): docs/attach.md.
    attach = await startAttachServer(watcher.consoles, defaultAttachDir());
    await new Promise<void>((resolve) =>
      signals.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  } finally {
    await attach?.close();
    await watcher.stop(signals.received ? `stopped by ${signals.received}` : 'stopped');
    metrics?.server.close();
    signals.dispose();
    if (eventsFd !== null) closeSync(eventsFd);
  }
  return EXIT.ok;
}

/** A file or folder we cannot make is the user's to fix (exit 16), not an internal error. */
function writable<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof XenkeysError) throw error;
    throw new XenkeysError('write-failed', `cannot write ${where}: ${(error as Error).message}`, {
      hint: 'Choose a folder you can write (--out) or another --events file.',
    });
  }
}
