// How xenkeys runs ipmitool: the argv (never holding the password: argv is world-readable in
// /proc/PID/cmdline), the environment that does hold it (`-E`), finding the program, and the
// one-shot `sol deactivate` behind --force.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { XenkeysError } from '../../core/errors.js';
import { classifyLine, ipmitoolMessages, type IpmitoolMessage } from './ipmi-messages.js';

export type IpmiInterface = 'lanplus' | 'lan';
export type IpmiPrivilege = 'CALLBACK' | 'USER' | 'OPERATOR' | 'ADMINISTRATOR' | 'OEM';

/** Where ipmitool gets the password: our value through its environment, or a 0600 file it reads. */
export type IpmiPassword = { value: string } | { file: string };

export interface IpmiTarget {
  host: string;
  /** UDP port of the BMC; ipmitool's default is 623. */
  port?: number;
  user?: string;
  interface?: IpmiInterface;
  cipherSuite?: number;
  privilege?: IpmiPrivilege;
}

export const DEFAULT_IPMI_PORT = 623;

export const TOOL_HINT =
  'Install ipmitool: apt-get install ipmitool (Debian, Ubuntu), dnf install ipmitool (Fedora, RHEL).';

/** ipmitool's arguments for `sol <command>`. The password is only ever named by `-E` or `-f FILE`. */
export function ipmitoolArgs(
  target: IpmiTarget,
  password: IpmiPassword,
  escape: number,
  command: 'activate' | 'deactivate',
): string[] {
  const args = ['-I', target.interface ?? 'lanplus', '-H', target.host];
  if (target.port !== undefined) args.push('-p', String(target.port));
  if (target.user !== undefined) args.push('-U', target.user);
  if (target.cipherSuite !== undefined) args.push('-C', String(target.cipherSuite));
  if (target.privilege !== undefined) args.push('-L', target.privilege);
  if ('file' in password) args.push('-f', password.file);
  else args.push('-E');
  if (command === 'activate') args.push('-e', String.fromCharCode(escape));
  args.push('sol', command);
  return args;
}

/** The child's extra environment. ipmitool -E reads IPMITOOL_PASSWORD first, then IPMI_PASSWORD. */
export function ipmitoolEnv(password: IpmiPassword): Record<string, string> {
  return 'file' in password ? {} : { IPMITOOL_PASSWORD: password.value, IPMI_PASSWORD: password.value };
}

/** The program's path, looked up on PATH like the shell would; 'tool-missing' when it is not there. */
export function findProgram(program: string, path = process.env['PATH'] ?? ''): string {
  const candidates = program.includes('/')
    ? [program]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  throw new XenkeysError('tool-missing', `${program} is not installed (not found on PATH)`, {
    hint: TOOL_HINT,
  });
}

export interface DeactivateResult {
  /** True when a SOL session was active and is now gone; false when none was. */
  deactivated: boolean;
  /** What ipmitool said, line by line, with what each line is. */
  lines: { text: string; message: IpmitoolMessage | null }[];
  exitCode: number | null;
}

/**
 * `ipmitool … sol deactivate`, bounded by `timeoutMs`. Runs in a new session with no terminal and
 * stdin from /dev/null, so a missing password can never turn into a prompt on the user's terminal.
 */
export function deactivateSol(
  file: string,
  args: string[],
  env: Record<string, string>,
  escape: number,
  timeoutMs = 30_000,
): Promise<DeactivateResult> {
  const messages = ipmitoolMessages(escape);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new XenkeysError('connect-failed', `could not run ${file}: ${error.message}`, { hint: TOOL_HINT }),
      );
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = Buffer.concat(chunks)
        .toString('latin1')
        .split('\n')
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l.length > 0)
        .map((text) => ({ text, message: classifyLine(messages, text, 'open') }));
      resolve({ deactivated: code === 0, lines, exitCode: code });
    });
  });
}
