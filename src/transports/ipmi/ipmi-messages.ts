// What ipmitool itself prints around a SOL session, and what each line means for xenkeys: the
// session is up, a notice for the recording, a failure to open with an error code, or the end of
// the session. Strings are ipmitool 1.8.19's, verbatim; the comment on each group names its source.

import type { ErrorCode } from '../../core/errors.js';
import type { CloseReason } from '../transport.js';

export type IpmitoolOutcome =
  | { kind: 'operational' }
  | { kind: 'note'; level: 'info' | 'warning' }
  /** Opening failed. `unanswered` means ipmitool cannot tell a refused login from a silent BMC. */
  | { kind: 'failure'; code: ErrorCode; hint: string; unanswered?: boolean }
  /** The session ended: remote (the BMC closed it; reconnecting may help) or an error code. */
  | { kind: 'loss'; code?: ErrorCode; hint?: string };

export interface IpmitoolMessage {
  /** The line starts with this (or, when `exact`, is exactly this). */
  text: string;
  exact: boolean;
  /** 'open': only before the session is operational; 'session': also within it. */
  phase: 'open' | 'session';
  /** Recognised anywhere in a session, not only at a line start: the answers to our own escapes. */
  anywhere: boolean;
  outcome: IpmitoolOutcome;
}

const info = { kind: 'note', level: 'info' } as const;
const warning = { kind: 'note', level: 'warning' } as const;
const m = (
  text: string,
  outcome: IpmitoolOutcome,
  o: { exact?: boolean; phase?: 'open' | 'session'; anywhere?: boolean } = {},
): IpmitoolMessage => ({
  text,
  exact: o.exact ?? true,
  phase: o.phase ?? 'open',
  anywhere: o.anywhere ?? false,
  outcome,
});
const fail = (code: ErrorCode, hint: string, unanswered?: boolean): IpmitoolOutcome =>
  unanswered ? { kind: 'failure', code, hint, unanswered } : { kind: 'failure', code, hint };

const AUTH_HINT =
  'Check the user (-U), the password (IPMI_PASSWORD or --password-file) and the privilege (-L); ' +
  'the user needs SOL access on the BMC.';
const BUSY_HINT =
  'Another client holds the SOL console (or a killed one left its session behind until the BMC ' +
  'times it out). Rerun with --force to deactivate it first; that disconnects the other client.';
const CIPHER_HINT = 'Try another cipher suite with -C (17 on current BMCs, 3 on older ones).';

/** Every line xenkeys recognises, for the escape byte in use. */
export function ipmitoolMessages(escape: number): IpmitoolMessage[] {
  const e = String.fromCharCode(escape);
  return [
    // lib/ipmi_sol.c, ipmi_sol_activate()
    m('[SOL Session operational.  Use ', { kind: 'operational' }, { exact: false }),
    m('Info: SOL payload already active on another session', fail('sol-busy', BUSY_HINT)),
    m(
      'Info: SOL payload activation limit reached',
      fail('sol-busy', 'The BMC allows no more SOL sessions; --force deactivates the current one.'),
    ),
    m(
      'Info: SOL payload disabled',
      fail('connect-failed', 'Enable SOL on the BMC: ipmitool … sol set enabled true (or its web UI).'),
    ),
    m('Info: cannot activate SOL payload with encryption', fail('connect-failed', CIPHER_HINT)),
    m('Info: cannot activate SOL payload without encryption', fail('connect-failed', CIPHER_HINT)),
    m('Error activating SOL payload: ', fail('connect-failed', 'The BMC refused SOL.'), { exact: false }),
    m(
      'Error: No response activating SOL payload',
      fail('bmc-unresponsive', 'The BMC stopped answering while SOL was starting.'),
    ),
    m(
      'Error: BMC requests SOL session on different port',
      fail('connect-failed', 'Not supported by ipmitool.'),
    ),
    m(
      'Error: This command is only available over the lanplus interface',
      fail('usage', 'SOL needs IPMI v2.0: use -I lanplus (the default).'),
    ),
    // lib/ipmi_channel.c: ipmi_sim and some BMCs do not answer; ipmitool falls back to suite 3.
    m('Unable to Get Channel Cipher Suites', info),
    m('Get Channel Cipher Suites failed: ', info, { exact: false }),
    // src/plugins/lanplus/lanplus.c, ipmi_lanplus_open(): a refused login and a silent BMC end alike.
    m('Error: Unable to establish IPMI v2 / RMCP+ session', fail('auth-failed', AUTH_HINT, true)),
    m('> Error: no response from RAKP 1 message', warning),
    m('> Error: no response from RAKP 3 message', warning),
    m('> RAKP 2 HMAC is invalid', fail('auth-failed', AUTH_HINT)),
    m('RAKP 2 message indicates an error : ', fail('auth-failed', AUTH_HINT), { exact: false }),
    m('> RAKP 4 message has invalid integrity check value', fail('auth-failed', AUTH_HINT)),
    m('RAKP 4 message indicates an error : ', fail('auth-failed', AUTH_HINT), { exact: false }),
    m('Error in open session response message : ', fail('auth-failed', CIPHER_HINT), { exact: false }),
    m('Unsupported cipher suite ID : ', fail('usage', CIPHER_HINT), { exact: false }),
    m(
      'Set Session Privilege Level to ',
      fail('auth-failed', 'Ask for a privilege the user has: -L user|operator|administrator.'),
      { exact: false },
    ),
    // src/plugins/lan/lan.c (IPMI v1.5)
    m('Error: Unable to establish IPMI v1.5 / RMCP session', fail('auth-failed', AUTH_HINT, true)),
    m('Error: Unable to establish LAN session', fail('auth-failed', AUTH_HINT)),
    m('Authentication type ', fail('auth-failed', AUTH_HINT), { exact: false }),
    m('No supported authtypes found', fail('auth-failed', AUTH_HINT)),
    m('Invalid user name', fail('auth-failed', AUTH_HINT)),
    m('NULL user name not enabled', fail('auth-failed', 'Give a user with -U.')),
    // lib/ipmi_main.c, src/plugins/ipmi_intf.c: arguments and setup
    m('Address lookup for ', fail('connect-failed', 'Check the BMC address given to --ipmi.'), {
      exact: false,
    }),
    m('Unable to open password file ', fail('usage', 'Check --password-file.'), { exact: false }),
    m('Unable to read password from file ', fail('usage', 'Check --password-file.'), { exact: false }),
    m('Unable to read password from environment', fail('usage', 'Set IPMI_PASSWORD.')),
    m(
      'lanplus: password is longer than 20 bytes.',
      fail('usage', 'IPMI v2.0 passwords have at most 20 bytes.'),
    ),
    m('lan: password is longer than 16 bytes.', fail('usage', 'IPMI v1.5 passwords have at most 16 bytes.')),
    m('Username is too long (> 16 bytes)', fail('usage', 'IPMI user names have at most 16 bytes.')),
    m('Invalid privilege level ', fail('usage', 'Use -L user, operator or administrator.'), { exact: false }),
    m('Loading IANA PEN Registry...', info),
    // lib/ipmi_sol.c, ipmi_sol_red_pill(): how a running session ends
    m('SOL session closed by BMC', { kind: 'loss' }, { phase: 'session' }),
    m(
      'Error: No response to keepalive - Terminating session',
      { kind: 'loss', code: 'bmc-unresponsive', hint: 'The BMC stopped answering ipmitool’s keepalive.' },
      { phase: 'session' },
    ),
    m('Error sending SOL data: FAIL', warning, { phase: 'session' }),
    m('Error in SOL session', warning, { phase: 'session' }),
    m('Error: Select returned with nothing to read', warning, { phase: 'session' }),
    // lib/ipmi_sol.c: the answers to xenkeys' own escape commands, and ipmi_sol_deactivate()
    // They start with the escape byte, which console output practically never holds.
    m(`${e}B [send break]`, info, { phase: 'session', anywhere: true }),
    m(`${e}. [terminated ipmitool]`, info, { phase: 'session', anywhere: true }),
    m('Info: SOL payload already de-activated', info, { phase: 'session' }),
    m('Info: SOL payload type disabled', info, { phase: 'session' }),
    m('Error de-activating SOL payload: ', warning, { exact: false, phase: 'session' }),
    m('Error: No response de-activating SOL payload', warning, { phase: 'session' }),
    // lib/ipmi_main.c ipmi_catch_sigint() (printed after a newline), lanplus.c ipmi_close_session_cmd()
    m('SIGN INT: Close Interface ', info, { exact: false, phase: 'session' }),
    m('Close Session command failed', info, { exact: false, phase: 'session' }),
    m('Failed to Close Session: ', info, { exact: false, phase: 'session' }),
    // lib/ipmi_sol.c leave_raw_mode(): perror when the pty is already gone
    m('tcsetattr: ', info, { exact: false, phase: 'session' }),
  ];
}

export function matches(message: IpmitoolMessage, line: string): boolean {
  return message.exact ? line === message.text : line.startsWith(message.text);
}

/** Could `partial` (a line not yet ended) still turn into this message? */
export function mayBecome(message: IpmitoolMessage, partial: string): boolean {
  return message.text.startsWith(partial) || (!message.exact && partial.startsWith(message.text));
}

/** The message a complete line is, among those allowed in this phase; null for anything else. */
export function classifyLine(
  messages: readonly IpmitoolMessage[],
  line: string,
  phase: 'open' | 'session',
): IpmitoolMessage | null {
  for (const message of messages) {
    if (phase === 'session' && message.phase !== 'session') continue;
    if (matches(message, line)) return message;
  }
  return null;
}

/** Unknown lines and failures are warnings; the operational banner and notes are information. */
export function noticeLevel(outcome: IpmitoolOutcome | undefined): 'info' | 'warning' {
  if (outcome?.kind === 'operational') return 'info';
  return outcome?.kind === 'note' ? outcome.level : 'warning';
}

/** How a session ends after ipmitool said this: with an error code, or as a remote close. */
export function lossReason(
  outcome: Extract<IpmitoolOutcome, { kind: 'loss' }>,
  message: string,
): CloseReason {
  return outcome.code ? { kind: 'error', code: outcome.code, message } : { kind: 'remote', message };
}

/** getpass(3)'s prompt: ipmitool asks when it has no password. It never ends in a newline. */
export const PASSWORD_PROMPT = 'Password: ';
