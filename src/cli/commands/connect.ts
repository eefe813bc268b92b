// `xenkeys connect [target]`: the interactive console on any transport — keys pass through
// byte-exact, Ctrl-] opens local commands (switch, key menu, presets, recording, scrollback).
// Recording is on from the start unless --no-record; keystrokes only with --record-input.

import { Option } from 'commander';
import { systemClock } from '../../core/clock.js';
import { XenkeysError } from '../../core/errors.js';
import { DEFAULT_CAPTURE } from './capture.js';
import type { CommandContext } from '../command-context.js';
import type { Transport } from '../../transports/transport.js';
import { onTerminal } from '../terminal.js';
import {
  addTransportFlags,
  createTransport,
  intOption,
  withTarget,
  type TransportFlags,
} from '../transport-options.js';

interface ConnectFlags extends TransportFlags {
  prefix: string;
  conswitch: string;
  out?: string;
  reuseOut?: boolean;
  record: boolean;
  recordInput?: boolean;
  reconnect: number;
  confirmTimeout: number;
  quietGap: number;
  maxKeyTime: number;
  probe?: boolean;
  attach?: string;
  readOnly?: boolean;
  readOnlyIfBusy?: boolean;
}

export function register({ program, exit, reportError }: CommandContext): void {
  const command = program
    .command('connect')
    .argument('[target]', 'a named target from the config file')
    .description(
      'interactive console: type to the host, Ctrl-] for switch, debug keys, recording (Ctrl-] ? helps)',
    );
  addTransportFlags(command)
    .option('--prefix <key>', 'local command prefix: ^], ^T, ^\\ … (pressed twice sends itself)', '^]')
    .option('--conswitch <letter>', "Xen's conswitch= letter: the switch is Ctrl-<letter> three times", 'a')
    .option('--probe', 'learn where input goes at connect: one switch to hear Xen, then straight back')
    .option('--attach <name>', 'attach to a console a running `xenkeys watch` holds (docs/attach.md)')
    .option('--read-only', 'with --attach: watch only, never type (any number may)')
    .option(
      '--read-only-if-busy',
      'with --attach: watch read-only when someone else holds the read-write seat',
    )
    .option(
      '-o, --out <dir>',
      'folder for session.cast and session.raw (made 0700; default: a new ./xenkeys-DATE-TIME-XXXXXX)',
    )
    .option(
      '--reuse-out',
      'write into an --out that already holds a session, as session-N.* (moves and overwrites nothing)',
    )
    .option('--no-record', 'start without recording (Ctrl-] r starts it)')
    .option('--record-input', "record keystrokes as 'i' events (off: they can be passwords)")
    .addOption(
      new Option('--reconnect <n>', 'reconnect attempts after the line drops (0: none)')
        .argParser((value: string) =>
          value === 'forever' ? Infinity : intOption('--reconnect', 0, 1_000_000)(value),
        )
        .default(Infinity, 'forever, for as long as you stay'),
    )
    .option(
      '--confirm-timeout <ms>',
      "how long to wait for Xen's `*** Serial input` reply",
      intOption('--confirm-timeout', 100),
      DEFAULT_CAPTURE.confirmTimeoutMs,
    )
    .option(
      '--quiet-gap <ms>',
      "a key's output is complete after this long without a byte",
      intOption('--quiet-gap', 10),
      DEFAULT_CAPTURE.timing.quietMs,
    )
    .option(
      '--max-key-time <s>',
      'stop collecting one key after this many seconds',
      intOption('--max-key-time', 1),
      DEFAULT_CAPTURE.timing.capMs / 1000,
    )
    .action(async (target: string | undefined, flags: ConnectFlags) => {
      try {
        if (!onTerminal()) {
          throw new XenkeysError('usage', 'connect is interactive: run it in a terminal', {
            hint: 'For scripts and pipes use `xenkeys capture` (same connection flags).',
          });
        }
        // A target names a medium, which --attach refuses (attachOrMedium says so).
        const all = flags.attach === undefined ? withTarget(flags, target, command) : flags;
        const makeTransport = attachOrMedium(all, target);
        // The UI libraries (blessed, xterm) load only now that a UI is wanted.
        const { runLiveTui } = await import('../live-tui.js');
        exit(
          await runLiveTui(makeTransport, {
            prefix: all.prefix,
            conswitch: all.conswitch,
            ...(all.out !== undefined ? { out: all.out } : {}),
            reuseOut: Boolean(all.reuseOut),
            record: all.record,
            recordInput: Boolean(all.recordInput),
            timing: { ...DEFAULT_CAPTURE.timing, quietMs: all.quietGap, capMs: all.maxKeyTime * 1000 },
            confirmTimeoutMs: all.confirmTimeout,
            probe: Boolean(all.probe),
            reconnect: { ...DEFAULT_CAPTURE.reconnect, attempts: all.reconnect },
          }),
        );
      } catch (error) {
        exit(reportError(error));
      }
    });
}

const MEDIA = ['serial', 'tcp', 'telnet', 'conserver', 'spawn', 'ipmi', 'ssh'] as const;

/** `--attach NAME` reaches the console through its watcher; otherwise the flags name the medium. */
function attachOrMedium(flags: ConnectFlags, target: string | undefined): () => Promise<Transport> {
  if (flags.attach === undefined) {
    if (flags.readOnly || flags.readOnlyIfBusy) {
      throw new XenkeysError('usage', '--read-only and --read-only-if-busy go with --attach', {
        hint: 'A console you connect to directly is yours alone; attach through `xenkeys watch` to share it.',
      });
    }
    return () => createTransport(flags, systemClock);
  }
  const medium = MEDIA.find((m) => flags[m] !== undefined);
  if (target !== undefined || medium) {
    throw new XenkeysError(
      'usage',
      `--attach ${flags.attach} reaches the console through its watcher: drop ${target ?? `--${medium}`}`,
      { hint: 'The watcher already holds the connection; `xenkeys watch --status` lists what it watches.' },
    );
  }
  const name = flags.attach;
  const mode = flags.readOnly ? 'ro' : 'rw';
  const fallback = Boolean(flags.readOnlyIfBusy);
  return async () => {
    const { AttachTransport } = await import('../../watch/attach-transport.js');
    return new AttachTransport({ name, mode, fallback });
  };
}
