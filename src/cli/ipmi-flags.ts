// IPMI Serial-over-LAN flags (`--ipmi HOST` with ipmitool's own -U -p -C -L -I) and the transport
// they describe. The password never becomes a flag value: it comes from IPMI_PASSWORD, a 0600
// file ipmitool reads itself, or a no-echo prompt, and reaches ipmitool only through its environment.

import { statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Clock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import type { IpmiInterface, IpmiPrivilege } from '../transports/ipmi/ipmi-command.js';
import type { IpmiPasswordSource } from '../transports/ipmi/ipmi.js';
import { ttyPrompt, type SecretPrompt } from '../transports/secret-prompt.js';
import type { Transport } from '../transports/transport.js';

export interface IpmiFlags {
  ipmi?: string;
  user?: string;
  port?: number;
  cipher?: number;
  privilege?: IpmiPrivilege;
  interface?: IpmiInterface;
  passwordFile?: string;
  /** Name of an environment variable holding the password (a named target's pointer). */
  passwordEnv?: string;
  force?: boolean;
}

/** SOL output comes in BMC-sized packets with pauses between them: a longer quiet gap for keys. */
export const IPMI_QUIET_GAP_MS = 2000;

const PRIVILEGES: Record<string, IpmiPrivilege> = {
  callback: 'CALLBACK',
  user: 'USER',
  operator: 'OPERATOR',
  administrator: 'ADMINISTRATOR',
  admin: 'ADMINISTRATOR',
  oem: 'OEM',
};

function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`,
      );
    }
    return n;
  };
}

function privilege(value: string): IpmiPrivilege {
  const level = PRIVILEGES[value.toLowerCase()];
  if (!level) throw new InvalidArgumentError('use user, operator or administrator (or callback, oem).');
  return level;
}

export function addIpmiFlags(command: Command): Command {
  command
    .option(
      '-H, --ipmi <host>',
      `IPMI Serial-over-LAN through ipmitool (BMC address; -H as in ipmitool); capture's --quiet-gap then defaults to ${IPMI_QUIET_GAP_MS} ms`,
    )
    .option('-U, --user <name>', 'IPMI user name (--ipmi)')
    .option(
      '-p, --port <port>',
      'IPMI UDP port of the BMC (--ipmi; default 623)',
      wholeNumber('--port', 1, 65535),
    )
    .option(
      '-C, --cipher <suite>',
      'IPMI v2.0 cipher suite, e.g. 3 or 17 (--ipmi; default: ipmitool picks)',
      wholeNumber('--cipher', 0, 255),
    )
    .option('-L, --privilege <level>', 'session privilege: user, operator, administrator (--ipmi)', privilege)
    .addOption(
      new Option('-I, --interface <intf>', 'ipmitool interface (--ipmi)')
        .choices(['lanplus', 'lan'])
        .default('lanplus'),
    )
    .option(
      '--password-file <file>',
      'file holding the IPMI password (mode 0600; else IPMI_PASSWORD or a prompt)',
    )
    .option('--password-env <name>', 'environment variable holding the IPMI password (default IPMI_PASSWORD)')
    .option('--force', 'deactivate a SOL session someone else holds before connecting (disconnects them)');
  // Only the command line's own --quiet-gap beats the SOL default.
  command.hook('preAction', (cmd) => {
    const hasQuietGap = cmd.options.some((o) => o.attributeName() === 'quietGap');
    if (
      cmd.getOptionValue('ipmi') !== undefined &&
      hasQuietGap &&
      cmd.getOptionValueSource('quietGap') === 'default'
    ) {
      cmd.setOptionValueWithSource('quietGap', IPMI_QUIET_GAP_MS, 'default');
    }
  });
  return command;
}

export async function createIpmiTransport(flags: IpmiFlags, clock: Clock): Promise<Transport> {
  const host = flags.ipmi!;
  const password = passwordSource(flags, `IPMI password for ${flags.user ? `${flags.user}@` : ''}${host}: `);
  const { IpmiTransport } = await import('../transports/ipmi/ipmi.js');
  return new IpmiTransport({
    host,
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.cipher !== undefined ? { cipherSuite: flags.cipher } : {}),
    ...(flags.privilege !== undefined ? { privilege: flags.privilege } : {}),
    interface: flags.interface ?? 'lanplus',
    password,
    force: Boolean(flags.force),
    clock,
  });
}

/**
 * Where the password comes from: --password-file (typed, so it wins), then the variable named by
 * --password-env, then IPMI_PASSWORD (or ipmitool's IPMITOOL_PASSWORD), then a no-echo prompt. Otherwise a usage error now,
 * before anything connects, instead of ipmitool hanging at its own prompt.
 */
export function passwordSource(
  flags: Pick<IpmiFlags, 'passwordFile' | 'passwordEnv'>,
  question: string,
  env: NodeJS.ProcessEnv = process.env,
  prompt: SecretPrompt | undefined = isatty(0) ? ttyPrompt() : undefined,
): IpmiPasswordSource {
  if (flags.passwordFile !== undefined) return { file: checkPasswordFile(flags.passwordFile) };
  if (flags.passwordEnv !== undefined) {
    const named = env[flags.passwordEnv];
    if (named === undefined) {
      throw new XenkeysError('usage', `--password-env ${flags.passwordEnv}: that variable is not set`, {
        hint: `Export it first (export ${flags.passwordEnv}=…), or use IPMI_PASSWORD or --password-file.`,
      });
    }
    return { value: named };
  }
  const fromEnv = env['IPMI_PASSWORD'] ?? env['IPMITOOL_PASSWORD'];
  if (fromEnv !== undefined) return { value: fromEnv };
  if (prompt) return { prompt: () => prompt(question) };
  throw new XenkeysError('usage', '--ipmi needs a password and there is no terminal to ask on', {
    hint: 'Set IPMI_PASSWORD in the environment, or pass --password-file FILE (chmod 600 FILE).',
  });
}

/** The file must be a non-empty regular file only its owner can read: it holds a secret. */
export function checkPasswordFile(file: string): string {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    throw new XenkeysError('usage', `--password-file ${file}: ${(error as Error).message}`, {
      hint: 'Give a file holding the IPMI password on its first line.',
    });
  }
  if (!stat.isFile() || stat.size === 0) {
    throw new XenkeysError('usage', `--password-file ${file}: not a non-empty regular file`, {
      hint: 'Put the IPMI password on its first line.',
    });
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
    throw new XenkeysError('usage', `--password-file ${file}: mode ${mode} lets others read the password`, {
      hint: `Make it private first: chmod 600 ${file}`,
    });
  }
  return file;
}
