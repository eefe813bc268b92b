// ipmitool's own lines (strings verbatim from ipmitool 1.8.19's sources) and what each becomes, and
// the splitter that keeps them out of the console bytes: split reads, lines mid-stream, held
// prefixes that turn out to be console output, the password prompt.

import { describe, expect, it } from 'vitest';
import { classifyLine, ipmitoolMessages } from '../../src/transports/ipmi/ipmi-messages.js';
import { IpmitoolOutput, type OutputEvent } from '../../src/transports/ipmi/ipmi-output.js';

const ESC = 0x1d;
const messages = ipmitoolMessages(ESC);
const outcome = (line: string, phase: 'open' | 'session' = 'open') =>
  classifyLine(messages, line, phase)?.outcome;

describe('ipmitool message table', () => {
  it.each([
    ['[SOL Session operational.  Use \x1d? for help]', { kind: 'operational' }],
    ['Unable to Get Channel Cipher Suites', { kind: 'note', level: 'info' }],
    ['Info: SOL payload already active on another session', { kind: 'failure', code: 'sol-busy' }],
    ['Info: SOL payload activation limit reached', { kind: 'failure', code: 'sol-busy' }],
    ['Info: SOL payload disabled', { kind: 'failure', code: 'connect-failed' }],
    [
      'Error: Unable to establish IPMI v2 / RMCP+ session',
      { kind: 'failure', code: 'auth-failed', unanswered: true },
    ],
    [
      'Error: Unable to establish IPMI v1.5 / RMCP session',
      { kind: 'failure', code: 'auth-failed', unanswered: true },
    ],
    ['> RAKP 2 HMAC is invalid', { kind: 'failure', code: 'auth-failed' }],
    ['RAKP 2 message indicates an error : unauthorized name', { kind: 'failure', code: 'auth-failed' }],
    ['> Error: no response from RAKP 1 message', { kind: 'note', level: 'warning' }],
    ['Authentication type NONE not supported', { kind: 'failure', code: 'auth-failed' }],
    ['Invalid user name', { kind: 'failure', code: 'auth-failed' }],
    ['Set Session Privilege Level to ADMINISTRATOR failed', { kind: 'failure', code: 'auth-failed' }],
    ['Error: No response activating SOL payload', { kind: 'failure', code: 'bmc-unresponsive' }],
    ['Error: This command is only available over the lanplus interface', { kind: 'failure', code: 'usage' }],
    ['Address lookup for bmc.invalid failed', { kind: 'failure', code: 'connect-failed' }],
    ['lanplus: password is longer than 20 bytes.', { kind: 'failure', code: 'usage' }],
    ['SOL session closed by BMC', { kind: 'loss' }],
    ['Error: No response to keepalive - Terminating session', { kind: 'loss', code: 'bmc-unresponsive' }],
    ['\x1dB [send break]', { kind: 'note', level: 'info' }],
    ['\x1d. [terminated ipmitool]', { kind: 'note', level: 'info' }],
    ['SIGN INT: Close Interface IPMI v2.0 RMCP+ LAN Interface', { kind: 'note', level: 'info' }],
    ['Info: SOL payload already de-activated', { kind: 'note', level: 'info' }],
  ])('%j', (line, expected) => {
    expect(outcome(line)).toMatchObject(expected);
  });

  it('knows nothing else, and only session lines within a session', () => {
    expect(outcome('(XEN) SOL session closed by BMC')).toBeUndefined();
    expect(outcome('Error: Unable to establish IPMI v2 / RMCP+ session', 'session')).toBeUndefined();
    expect(outcome('SOL session closed by BMC', 'session')).toMatchObject({ kind: 'loss' });
    expect(outcome('~B [send break]')).toBeUndefined(); // another escape byte: console text
  });

  it('gives every failure a hint that says what to do', () => {
    for (const m of messages)
      if (m.outcome.kind === 'failure') expect(m.outcome.hint, m.text).toMatch(/\w{4}/);
  });
});

const text = (events: OutputEvent[]): string =>
  events.map((e) => (e.type === 'data' ? Buffer.from(e.bytes).toString('latin1') : '')).join('');
const lines = (events: OutputEvent[]): string[] => events.flatMap((e) => (e.type === 'line' ? [e.text] : []));

describe('IpmitoolOutput', () => {
  it('before the session, everything is ipmitool talking; data after the banner is console data', () => {
    const out = new IpmitoolOutput(messages);
    const a = out.push(
      Buffer.from('Unable to Get Channel Cipher Suites\n[SOL Session operational.  Use \x1d? for'),
    );
    expect(lines(a)).toEqual(['Unable to Get Channel Cipher Suites']);
    expect(out.operational).toBe(false);
    const b = out.push(Buffer.from(' help]\n(XEN) hello\r\n'));
    expect(lines(b)).toEqual(['[SOL Session operational.  Use \x1d? for help]']);
    expect(out.operational).toBe(true);
    expect(text(b)).toBe('(XEN) hello\r\n');
  });

  it('reports a line it does not know before the session, and the password prompt', () => {
    const out = new IpmitoolOutput(messages);
    const events = out.push(Buffer.from('something odd\nPassword: '));
    expect(events).toEqual([{ type: 'line', text: 'something odd', message: null }, { type: 'prompt' }]);
    expect(out.flush()).toEqual([{ type: 'line', text: 'Password: ', message: null }]);
  });

  function session(): IpmitoolOutput {
    const out = new IpmitoolOutput(messages);
    out.push(Buffer.from('[SOL Session operational.  Use \x1d? for help]\n'));
    return out;
  }

  it('cuts ipmitool lines out of the stream: at a line start, a read of their own, or led by the escape', () => {
    const out = session();
    const events = out.push(Buffer.from('/ # \x1dB [send break]\nls\r\n\x1d. [terminated ipmitool]\n'));
    expect(text(events)).toBe('/ # ls\r\n');
    expect(lines(events)).toEqual(['\x1dB [send break]', '\x1d. [terminated ipmitool]']);
    const closed = out.push(Buffer.from('SOL session closed by BMC\n'));
    expect(lines(closed)).toEqual(['SOL session closed by BMC']);
    expect(text(closed)).toBe('');
  });

  it('takes the newline ipmitool prints before "SIGN INT" with it', () => {
    const events = session().push(
      Buffer.from('abc\nSIGN INT: Close Interface IPMI v2.0 RMCP+ LAN Interface\n'),
    );
    expect(text(events)).toBe('abc');
    expect(lines(events)).toEqual(['SIGN INT: Close Interface IPMI v2.0 RMCP+ LAN Interface']);
  });

  it('holds a line start that may become ipmitool’s, and lets it go when it does not', () => {
    const out = session();
    expect(text(out.push(Buffer.from('(XEN) x\r\nSOL sess')))).toBe('(XEN) x\r\n');
    expect(out.holding).toBe(true);
    const end = out.push(Buffer.from('ion closed by BMC\n'));
    expect(lines(end)).toEqual(['SOL session closed by BMC']);
    expect(text(end)).toBe('');

    expect(text(out.push(Buffer.from('Err')))).toBe('');
    expect(text(out.push(Buffer.from('ata: not ipmitool\r\n')))).toBe('Errata: not ipmitool\r\n');
    expect(text(out.push(Buffer.from('ok \x1dB [send')))).toBe('ok ');
    expect(lines(out.push(Buffer.from(' break]\n')))).toEqual(['\x1dB [send break]']);
    expect(text(out.push(Buffer.from('Error in SOL')))).toBe('');
    expect(out.flush()).toEqual([{ type: 'data', bytes: Buffer.from('Error in SOL') }]);
    expect(out.holding).toBe(false);
  });

  it('passes console text that only looks like ipmitool’s, mid-line or longer', () => {
    const out = session();
    const events = out.push(Buffer.from('say: SOL session closed by BMC\r\nSOL session closed by BMC!\r\n'));
    expect(lines(events)).toEqual([]);
    expect(text(events)).toBe('say: SOL session closed by BMC\r\nSOL session closed by BMC!\r\n');
  });

  it('passes every byte value untouched when none of it is ipmitool’s', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const out = session();
    const got = Buffer.concat(
      [...out.push(all), ...out.flush()].map((e) => (e.type === 'data' ? e.bytes : Buffer.alloc(0))),
    );
    expect(got.equals(all)).toBe(true);
  });
});
