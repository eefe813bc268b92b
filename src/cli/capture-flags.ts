// Flags of `capture` (and `demo`), mapped onto CaptureOptions in one place.

import { Command, InvalidArgumentError } from 'commander';
import { PRESETS } from '../console/presets.js';
import { DEFAULT_CAPTURE, type CaptureOptions } from '../capture/capture-options.js';
import type { ProgressMode } from '../capture/progress.js';
import { intOption } from './transport-options.js';

export interface CaptureFlags {
  keys: string;
  out?: string;
  reuseOut?: boolean;
  conswitch: string;
  quietGap: number;
  firstOutputTimeout: number;
  maxKeyTime: number;
  confirmTimeout: number;
  allowDangerous?: boolean;
  recordInput?: boolean;
  discover: boolean;
  reconnect: number;
  waitFor?: RegExp;
  type?: string;
  until?: RegExp;
  waitTimeout: number;
  progress?: boolean;
  report: boolean;
  /** `capture --inband` (cli/inband-capture.ts): keys through dom0's xl instead of the console line. */
  inband?: boolean;
}

function regex(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
}

function letter(value: string): string {
  if (!/^[a-z]$/.test(value))
    throw new InvalidArgumentError("give the letter from Xen's conswitch= option, a-z (a means Ctrl-A).");
  return value;
}

export function addCaptureFlags(
  command: Command,
  defaults: { keys: string; quietGap: number; outDir?: string },
): Command {
  return command
    .option(
      '-k, --keys <keys>',
      `keys to press, e.g. hqrd, a preset (${Object.keys(PRESETS).join(', ')}), or none`,
      defaults.keys,
    )
    .option(
      '-o, --out <dir>',
      `folder for session.cast, session.raw, captures.json and the report (default: ${defaults.outDir ?? 'a new ./xenkeys-DATE-TIME-XXXXXX'}; made 0700)`,
    )
    .option(
      '--reuse-out',
      'write into an --out that already holds a session, as session-N.* (moves and overwrites nothing)',
    )
    .option(
      '--conswitch <letter>',
      "Xen's conswitch= letter: the switch is Ctrl-<letter> three times",
      letter,
      'a',
    )
    .option(
      '--quiet-gap <ms>',
      "a key's output is complete after this long without a byte",
      intOption('--quiet-gap', 10),
      defaults.quietGap,
    )
    .option(
      '--first-output-timeout <ms>',
      'report a key as silent if nothing arrives within this long',
      intOption('--first-output-timeout', 100),
      DEFAULT_CAPTURE.timing.firstOutputMs,
    )
    .option(
      '--max-key-time <s>',
      'stop collecting one key after this many seconds',
      intOption('--max-key-time', 1),
      DEFAULT_CAPTURE.timing.capMs / 1000,
    )
    .option(
      '--confirm-timeout <ms>',
      "how long to wait for Xen's `*** Serial input` reply",
      intOption('--confirm-timeout', 100),
      DEFAULT_CAPTURE.confirmTimeoutMs,
    )
    .option(
      '--allow-dangerous',
      'allow keys that reboot, crash, NMI or change state (R C % N * + - G A T O S P L)',
    )
    .option('--record-input', "record keystrokes as 'i' events in the cast (off: they can be passwords)")
    .option('--no-discover', "don't press 'h' first to learn the host's keys")
    .option(
      '--reconnect <n>',
      'reconnect attempts after the line drops (0: none)',
      intOption('--reconnect', 0, 100),
      DEFAULT_CAPTURE.reconnect.attempts,
    )
    .option(
      '--wait-for <regex>',
      'first wait for a console line matching this (e.g. the end of a boot)',
      regex,
    )
    .option('--type <text>', 'then type this line at dom0 (input is moved there first)')
    .option('--until <regex>', 'then keep recording until a line matches this', regex)
    .option(
      '--wait-timeout <s>',
      'how long --wait-for and --until may wait',
      intOption('--wait-timeout', 1),
      DEFAULT_CAPTURE.waitTimeoutMs / 1000,
    )
    .option(
      '--no-report',
      'skip report.json and report.md (built in memory; for huge sessions run `xenkeys report -o` later)',
    )
    .option('--progress', 'print progress lines on stderr even when it is not a terminal')
    .option('--no-progress', 'print no progress, even on a terminal');
}

export function progressModeFrom(flags: CaptureFlags): ProgressMode {
  if (flags.progress === undefined) return 'auto';
  return flags.progress ? 'always' : 'never';
}

export function captureOptionsFrom(flags: CaptureFlags): CaptureOptions {
  return {
    keys: flags.keys,
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    reuseOut: Boolean(flags.reuseOut),
    conswitch: flags.conswitch,
    timing: {
      quietMs: flags.quietGap,
      firstOutputMs: flags.firstOutputTimeout,
      capMs: flags.maxKeyTime * 1000,
    },
    confirmTimeoutMs: flags.confirmTimeout,
    allowDangerous: Boolean(flags.allowDangerous),
    recordInput: Boolean(flags.recordInput),
    discover: flags.discover,
    reconnect: { ...DEFAULT_CAPTURE.reconnect, attempts: flags.reconnect },
    waitTimeoutMs: flags.waitTimeout * 1000,
    report: flags.report !== false,
    ...(flags.waitFor ? { waitFor: flags.waitFor } : {}),
    ...(flags.type !== undefined ? { type: flags.type } : {}),
    ...(flags.until ? { until: flags.until } : {}),
  };
}
