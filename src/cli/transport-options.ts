// The connection flags every command shares (`--serial`, `--tcp`, `--spawn`, …) and the factory
// that turns them into a Transport. Exactly one medium per session.

import { Command, InvalidArgumentError, Option } from 'commander';
import type { Clock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import type { FlowControl, Parity, StopBits } from '../transports/serial.js';
import type { LineSettings } from '../transports/rfc2217.js';
import type { Transport } from '../transports/transport.js';
import { addIpmiFlags, createIpmiTransport, type IpmiFlags } from './ipmi-flags.js';
import { addSshFlags, createSshTransport, type SshFlags } from './ssh-flags.js';
import type { XenkeysConfig } from './config.js';
import { addTargetFlags, mergeTarget, resolveTarget } from './targets.js';

export interface TransportFlags extends IpmiFlags, SshFlags {
  serial?: string;
  /** Line settings: defaults (115200 8N1, no flow) apply to --serial; --telnet sends only those given. */
  baud?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: Parity;
  stopBits?: StopBits;
  flow?: FlowControl;
  tcp?: string;
  telnet?: string;
  conserver?: string;
  spawn?: string;
  /** --config: where named targets are read from. */
  config?: string;
}

export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(
        `${name} must be a whole number ${range}, not ${JSON.stringify(value)}.`,
      );
    }
    return n;
  };
}

export function addTransportFlags(command: Command): Command {
  addIpmiFlags(command);
  addSshFlags(command);
  addTargetFlags(command);
  return (
    command
      .option('--serial <path>', 'local serial port, e.g. /dev/ttyUSB0')
      // No commander defaults: --telnet must tell "not given" (query the port) from "given" (set it).
      .option(
        '-b, --baud <rate>',
        'baud rate (--serial: default 115200; --telnet: set over RFC 2217 only when given)',
        intOption('--baud', 50, 4_000_000),
      )
      .addOption(
        new Option('--data-bits <n>', 'data bits (--serial: default 8)')
          .choices(['5', '6', '7', '8'])
          .argParser(Number),
      )
      .addOption(
        new Option('--parity <p>', 'parity (--serial: default none)').choices([
          'none',
          'even',
          'odd',
          'mark',
          'space',
        ]),
      )
      .addOption(
        new Option('--stop-bits <n>', 'stop bits (--serial: default 1)')
          .choices(['1', '1.5', '2'])
          .argParser(Number),
      )
      .addOption(
        new Option('--flow <f>', 'flow control (--serial: default none)').choices([
          'none',
          'rtscts',
          'xonxoff',
        ]),
      )
      .option('--tcp <host:port>', 'raw TCP console (ser2net raw port, QEMU -serial tcp:)')
      .option(
        '--telnet <host:port>',
        'telnet console server (ser2net, Opengear, Cyclades, Digi…); RFC 2217 line settings and BREAK when offered',
      )
      .option(
        '--conserver <name[@host[:port]]>',
        'a console behind conserver, through its `console` client (escape moved to ^]c; BREAK is ^]cl0)',
      )
      .option(
        '--spawn <command>',
        "run a console command in a pseudo-terminal, e.g. 'xl console' or 'virsh console h1'",
      )
  );
}

/**
 * Flags for a named target (from the config file) under the command line's own: commander fills a
 * default for every flag, so its value sources (not `undefined`) tell what the user typed.
 */
export function withTarget<F extends TransportFlags>(
  flags: F,
  target: string | undefined,
  command: Command,
  /** An already parsed file (an inventory), instead of reading --config. */
  config?: XenkeysConfig,
): F {
  if (target === undefined) return flags;
  const allowed = [
    ...addTransportFlags(new Command()).options,
    ...command.options.filter((o) => TARGET_EXTRAS.includes(o.long ?? '')),
  ];
  const fromConfig = resolveTarget(target, {
    ...(flags.config !== undefined ? { configPath: flags.config } : {}),
    ...(config ? { config } : {}),
    allowed,
    options: command.options,
  });
  return mergeTarget(flags, fromConfig, command);
}

/** Settings of the host rather than the connection that a target may also hold. */
const TARGET_EXTRAS = ['--conswitch'];

/**
 * Build the transport the flags describe, or explain what is missing. Each medium's module (and its
 * native library: serialport, node-pty, ssh2) is loaded only when that medium is used.
 */
export async function createTransport(flags: TransportFlags, clock: Clock): Promise<Transport> {
  const chosen = [
    flags.serial && '--serial',
    flags.tcp && '--tcp',
    flags.telnet && '--telnet',
    flags.conserver && '--conserver',
    flags.spawn && '--spawn',
    flags.ipmi && '--ipmi',
    flags.ssh && '--ssh',
  ].filter(Boolean);
  if (chosen.length === 0) {
    throw new XenkeysError('usage', 'no console given', {
      hint: 'Say where the console is: --serial /dev/ttyUSB0, --tcp HOST:PORT, --telnet HOST:PORT, --conserver NAME@HOST, --ipmi BMC, --ssh HOST, --spawn CMD, or a named target (try `xenkeys demo` for a simulated one).',
    });
  }
  if (chosen.length > 1) throw new XenkeysError('usage', `choose one console, not ${chosen.join(' and ')}`);
  if (flags.ipmi) return createIpmiTransport(flags, clock);
  if (flags.ssh) return createSshTransport(flags, clock);
  if (flags.serial) {
    const { SerialTransport } = await import('../transports/serial.js');
    return new SerialTransport({
      path: flags.serial,
      baudRate: flags.baud ?? 115200,
      dataBits: flags.dataBits ?? 8,
      parity: flags.parity ?? 'none',
      stopBits: flags.stopBits ?? 1,
      flowControl: flags.flow ?? 'none',
    });
  }
  if (flags.tcp) {
    const { parseHostPort, TcpTransport } = await import('../transports/tcp.js');
    checkAddress('--tcp', flags.tcp, parseHostPort);
    return new TcpTransport({ address: flags.tcp });
  }
  if (flags.telnet) {
    const [{ parseHostPort }, { TelnetTransport }] = await Promise.all([
      import('../transports/tcp.js'),
      import('../transports/telnet.js'),
    ]);
    checkAddress('--telnet', flags.telnet, parseHostPort);
    return new TelnetTransport({ address: flags.telnet, line: lineSettings(flags) });
  }
  if (flags.conserver) {
    const { ConserverTransport, parseConserverTarget } = await import('../transports/conserver.js');
    return new ConserverTransport(parseConserverTarget(flags.conserver));
  }
  const { SpawnTransport } = await import('../transports/spawn.js');
  return new SpawnTransport({ command: flags.spawn! });
}

function checkAddress(flag: string, address: string, parse: (address: string) => unknown): void {
  try {
    parse(address);
  } catch (error) {
    throw new XenkeysError('usage', `${flag} ${address}: ${(error as Error).message}`, {
      hint: 'Use HOST:PORT, e.g. 127.0.0.1:4555 or [::1]:4555.',
    });
  }
}

/** Only the line settings the user gave: a console server's port is never changed behind their back. */
function lineSettings(flags: TransportFlags): LineSettings {
  return {
    ...(flags.baud !== undefined ? { baud: flags.baud } : {}),
    ...(flags.dataBits !== undefined ? { dataBits: flags.dataBits } : {}),
    ...(flags.parity !== undefined ? { parity: flags.parity } : {}),
    ...(flags.stopBits !== undefined ? { stopBits: flags.stopBits } : {}),
    ...(flags.flow !== undefined ? { flow: flags.flow } : {}),
  };
}
