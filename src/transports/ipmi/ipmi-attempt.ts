// One attempt to bring up a SOL session: collects what ipmitool says until it is operational or
// gives up, then settles once with the right error. ipmitool prints the same line for a refused
// login and a BMC that never answered; the UDP probe run alongside tells them apart.

import type { Clock } from '../../core/clock.js';
import { XenkeysError, type ErrorCode } from '../../core/errors.js';
import type { IpmitoolOutcome } from './ipmi-messages.js';
import { probeBmc, type ProbeOptions, type ProbeResult } from './ipmi-probe.js';

type Failure = Extract<IpmitoolOutcome, { kind: 'failure' }>;

export interface AttemptOptions {
  /** The transport's description, which starts every message. */
  describe: string;
  host: string;
  port: number;
  probe: Pick<ProbeOptions, 'attempts' | 'intervalMs'>;
  timeoutMs: number;
  clock: Clock;
}

export class OpenAttempt {
  readonly done: Promise<void>;
  /** ipmitool's lines so far, for an error that quotes them. */
  readonly said: string[] = [];
  private failure: { outcome: Failure; text: string } | null = null;
  private settled = false;
  private resolve!: () => void;
  private reject!: (error: XenkeysError) => void;

  private readonly describe: string;
  private readonly probe: Promise<ProbeResult>;
  private readonly silentMessage: string;
  private readonly abort = new AbortController();

  /**
   * Starts the clock (settled within timeoutMs, whatever happens) and the UDP probe alongside
   * ipmitool: a BMC that answers none of it fails the attempt as soon as the probe gives up.
   */
  constructor(o: AttemptOptions) {
    this.describe = o.describe;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.done.catch(() => undefined); // settled before anyone awaits it: not unhandled
    const { attempts = 5, intervalMs = 1000 } = o.probe;
    this.silentMessage = silentMessage(o.describe, 'no reply to', attempts, intervalMs);
    this.probe = probeBmc(o.host, o.port, { attempts, intervalMs, signal: this.abort.signal });
    void this.probe.then((r) => r === 'silent' && this.fail(unresponsive(this.silentMessage)));
    const timer = o.clock.setTimeout(() => {
      const said = this.said.slice(-3).join(' / ') || 'nothing';
      this.fail(
        new XenkeysError('connect-failed', `${o.describe}: no SOL session after ${o.timeoutMs / 1000} s`, {
          hint: `ipmitool said: ${said}. Run the same ipmitool command by hand to see more.`,
        }),
      );
    }, o.timeoutMs);
    void this.done.then(
      () => this.end(timer),
      () => this.end(timer),
    );
  }

  private end(timer: { cancel(): void }): void {
    timer.cancel();
    // The probe may still be deciding an ambiguous failure: let it finish, then stop it.
    void this.probe.finally(() => this.abort.abort());
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** A failure line: the first specific one wins over an ambiguous "unable to establish". */
  record(outcome: Failure, text: string): void {
    if (!this.failure || (this.failure.outcome.unanswered && !outcome.unanswered)) {
      this.failure = { outcome, text };
    }
  }

  succeed(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve();
  }

  fail(error: XenkeysError): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  /** ipmitool ended before the session was up: fail with what it said. */
  async ended(how: string): Promise<void> {
    this.fail(await this.explain(how));
  }

  /** The error for what was seen: a recognised failure, else what ipmitool printed. */
  async explain(how: string): Promise<XenkeysError> {
    const failure = this.failure;
    if (!failure) {
      const said = this.said.length > 0 ? `: ${this.said.slice(-3).join(' / ')}` : '';
      return new XenkeysError(
        'connect-failed',
        `${this.describe}: ${how} before the SOL session started${said}`,
        {
          hint: 'Run the same ipmitool command by hand to see why.',
        },
      );
    }
    let code: ErrorCode = failure.outcome.code;
    let message = `${this.describe}: ipmitool: ${failure.text}`;
    let hint = failure.outcome.hint;
    if (failure.outcome.unanswered) {
      const probe = await this.probe;
      if (probe === 'silent') return unresponsive(this.silentMessage);
      message += probe === 'alive' ? ' (the BMC answers, so it refused the login)' : '';
      if (probe === 'unknown') hint = `${hint} (Or the BMC is not answering at all.)`;
      code = 'auth-failed';
    }
    return new XenkeysError(code, message, { hint });
  }
}

export function silentMessage(describe: string, what: string, attempts: number, intervalMs: number): string {
  return `${describe}: the BMC is not answering (${what} ${attempts} IPMI pings in ${(attempts * intervalMs) / 1000} s)`;
}

export function unresponsive(message: string): XenkeysError {
  return new XenkeysError('bmc-unresponsive', message, {
    hint: 'Check that the BMC is powered and reachable (ping it; its web UI); a hung BMC may need a cold reset (ipmitool mc reset cold) or power cycle.',
  });
}
