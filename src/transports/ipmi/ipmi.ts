// IPMI Serial-over-LAN through `ipmitool sol activate`, run in a raw pty by SpawnTransport. Owns
// the session's life: open() resolves only once ipmitool says the session is operational, ipmitool's
// own lines become notices (never console bytes), a silent BMC is noticed in bounded time, and
// close() ends the session on the BMC too (a killed ipmitool leaves it "already active").

import { systemClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { XenkeysError } from '../../core/errors.js';
import { OpenAttempt } from './ipmi-attempt.js';
import {
  DEFAULT_IPMI_PORT,
  findProgram,
  ipmitoolArgs,
  ipmitoolEnv,
  type IpmiPassword,
  type IpmiTarget,
} from './ipmi-command.js';
import { DEFAULT_SOL_ESCAPE, describeEscape, SolEscaper } from './ipmi-escape.js';
import { forceDeactivate } from './ipmi-force.js';
import { DEFAULT_LIVENESS, watchBmc, type LivenessMonitor, type LivenessOptions } from './ipmi-liveness.js';
import { ipmitoolMessages, lossReason, noticeLevel, type IpmitoolMessage } from './ipmi-messages.js';
import { IpmitoolOutput, type OutputEvent } from './ipmi-output.js';
import type { ProbeOptions } from './ipmi-probe.js';
import { SpawnTransport, type SpawnSpec } from '../spawn.js';
import type { CloseReason, TransportKind } from '../transport.js';

/** A password, a 0600 file ipmitool reads, or a question asked once at the first open(). */
export type IpmiPasswordSource = IpmiPassword | { prompt: () => Promise<string> };

export interface IpmiTransportOptions extends IpmiTarget {
  password: IpmiPasswordSource;
  /** Run `ipmitool … sol deactivate` before each activation, evicting whoever holds SOL. */
  force?: boolean;
  /** The ipmitool to run, found on PATH (env.PATH if given). Default 'ipmitool'. */
  program?: string;
  /** Extra environment for ipmitool (not the password: that is added from `password`). */
  env?: Record<string, string>;
  escape?: number;
  /** open() settles within this long, whatever the BMC does. Default 60 s. */
  openTimeoutMs?: number;
  /** Dead-BMC detection during a session; false turns it off (ipmitool's keepalive remains). */
  liveness?: LivenessOptions | false;
  /** The UDP probe at open time, which tells a silent BMC from a refused login. */
  probe?: Pick<ProbeOptions, 'attempts' | 'intervalMs'>;
  clock?: Clock;
}

export const DEFAULT_OPEN_TIMEOUT_MS = 60_000;
const QUIT_GRACE_MS = 3_000; // for ipmitool to deactivate SOL and close its session on the way out
const HOLD_MS = 50; // a partial line that may be ipmitool's waits at most this long for its end

type Phase = 'idle' | 'opening' | 'session' | 'closing';

export class IpmiTransport extends SpawnTransport {
  override readonly kind: TransportKind = 'ipmi';
  override readonly canBreak: boolean = true;
  #password: IpmiPasswordSource; // a private field: util.inspect and JSON never show it
  private readonly target: IpmiTarget;
  private readonly escaper: SolEscaper;
  private readonly messages: IpmitoolMessage[];
  private readonly clock: Clock;
  private readonly settings: Required<
    Pick<IpmiTransportOptions, 'force' | 'program' | 'env' | 'openTimeoutMs' | 'liveness' | 'probe'>
  >;
  private file = 'ipmitool';
  private phase: Phase = 'idle';
  private output: IpmitoolOutput;
  private attempt: OpenAttempt | null = null;
  private loss: CloseReason | null = null;
  private monitor: LivenessMonitor | null = null;
  private timers: { flush?: TimerHandle; kill?: TimerHandle } = {};
  private closingMessage = 'closed';
  private exitWaiters: (() => void)[] = [];

  constructor(options: IpmiTransportOptions) {
    const port = options.port ?? DEFAULT_IPMI_PORT;
    const who = options.user ? `${options.user}@` : '';
    super({
      command: options.program ?? 'ipmitool',
      description: `ipmi ${who}${options.host}:${port} (ipmitool sol, ${options.interface ?? 'lanplus'})`,
    });
    this.#password = options.password;
    const { host, user, interface: intf, cipherSuite, privilege } = options;
    this.target = { host, port: options.port, user, interface: intf, cipherSuite, privilege };
    this.escaper = new SolEscaper(options.escape ?? DEFAULT_SOL_ESCAPE);
    this.messages = ipmitoolMessages(this.escaper.escape);
    this.output = new IpmitoolOutput(this.messages);
    this.clock = options.clock ?? systemClock;
    this.settings = {
      force: options.force ?? false,
      program: options.program ?? 'ipmitool',
      env: options.env ?? {},
      openTimeoutMs: options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS,
      liveness: options.liveness ?? DEFAULT_LIVENESS,
      probe: options.probe ?? {},
    };
  }

  /** ipmitool's argv for the session (tests check it never holds the password). */
  activateArgs(): string[] {
    return this.args('activate');
  }

  protected override spawnSpec(): SpawnSpec {
    return { file: this.file, args: this.activateArgs(), env: this.childEnv() };
  }

  private args(command: 'activate' | 'deactivate'): string[] {
    const password = 'file' in this.#password ? this.#password : { value: '' }; // -f FILE or -E
    return ipmitoolArgs(this.target, password, this.escaper.escape, command);
  }

  private childEnv(): Record<string, string> {
    const password = this.#password;
    return { ...this.settings.env, ...('prompt' in password ? {} : ipmitoolEnv(password)) };
  }

  protected override encodeOutgoing(bytes: Uint8Array): Uint8Array {
    return this.escaper.encode(bytes);
  }

  override async sendBreak(): Promise<void> {
    this.assertOpen();
    const sequence = this.escaper.command('B');
    if (!sequence) {
      throw new XenkeysError(
        'usage',
        `${this.description}: ipmitool takes BREAK only at the start of a line`,
        {
          hint: 'The last byte sent was not Enter; send a line first (ipmitool reads its escape only after CR or LF).',
        },
      );
    }
    this.writeRaw(sequence);
  }

  override async open(): Promise<void> {
    if (this.isOpen || this.phase !== 'idle') return;
    this.file = findProgram(this.settings.program, this.settings.env['PATH'] ?? process.env['PATH']);
    if ('prompt' in this.#password) this.#password = { value: await this.#password.prompt() };
    const attempt = new OpenAttempt({
      describe: this.description,
      host: this.target.host,
      port: this.port,
      probe: this.settings.probe,
      timeoutMs: this.settings.openTimeoutMs,
      clock: this.clock,
    });
    this.attempt = attempt;
    this.phase = 'opening';
    try {
      if (this.settings.force) {
        const forced = forceDeactivate({
          file: this.file,
          args: this.args('deactivate'),
          env: this.childEnv(),
          escape: this.escaper.escape,
          timeoutMs: this.settings.openTimeoutMs,
          attempt,
          onLine: (text, message) => this.onLine(text, message),
        });
        const note = await Promise.race([forced, attempt.done.then(() => '')]);
        if (note) this.noticeEmitter.fire({ type: 'info', message: note });
      }
      this.escaper.reset();
      this.output = new IpmitoolOutput(this.messages);
      this.loss = null;
      await Promise.race([super.open(), attempt.done]);
      await attempt.done;
    } catch (error) {
      attempt.fail(error as XenkeysError);
      this.phase = 'idle';
      await super.close('could not open');
      throw error;
    } finally {
      this.attempt = null;
    }
    this.phase = 'session';
    super.markOpen();
    const bmc = { describe: this.description, host: this.target.host, port: this.port };
    if (this.settings.liveness) {
      this.monitor = watchBmc(this.clock, this.settings.liveness, bmc, (m) => this.bmcSilent(m));
    }
  }

  override async close(message = 'closed'): Promise<void> {
    this.attempt?.fail(new XenkeysError('connect-failed', `${this.description}: closed while connecting`));
    const pid = this.pid;
    if (this.phase === 'session' && pid !== undefined) {
      // ipmitool ends its session on the BMC when it leaves through `~.` (or SIGINT when that
      // cannot be typed); killed any other way, the BMC keeps the SOL session "already active".
      this.phase = 'closing';
      this.closingMessage = message;
      this.monitor?.stop();
      const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
      const quit = this.escaper.command('.');
      if (quit) this.writeRaw(quit);
      else signal(pid, 'SIGINT');
      let grace: TimerHandle | undefined;
      await Promise.race([
        exited,
        new Promise<void>((r) => (grace = this.clock.setTimeout(r, QUIT_GRACE_MS))),
      ]);
      grace?.cancel();
    }
    await super.close(message);
  }

  protected override markOpen(): void {
    // The pty is up; the transport is open only once ipmitool says the session is operational.
    if (this.phase === 'session') super.markOpen();
  }

  protected override markClosed(reason: CloseReason): void {
    if (this.phase === 'opening') {
      if (reason.kind !== 'local') {
        this.drain(this.output.flush());
        void this.attempt?.ended(reason.message);
      }
      return;
    }
    this.drain(this.output.flush());
    this.monitor?.stop();
    this.timers.flush?.cancel();
    this.timers.kill?.cancel();
    let final = reason;
    if (this.phase === 'closing') final = { kind: 'local', message: this.closingMessage };
    else if (reason.kind === 'remote' && this.loss) final = this.loss;
    this.phase = 'idle';
    super.markClosed(final);
    for (const resolve of this.exitWaiters.splice(0)) resolve();
  }

  protected override handleIncoming(bytes: Uint8Array): void {
    this.monitor?.activity();
    this.drain(this.output.push(bytes));
    if (this.output.holding && !this.timers.flush) {
      this.timers.flush = this.clock.setTimeout(() => {
        delete this.timers.flush;
        this.drain(this.output.flush());
      }, HOLD_MS);
    }
  }

  private get port(): number {
    return this.target.port ?? DEFAULT_IPMI_PORT;
  }

  private drain(events: OutputEvent[]): void {
    for (const event of events) {
      if (event.type === 'data') this.dataEmitter.fire(event.bytes);
      else if (event.type === 'prompt') {
        this.attempt?.fail(
          new XenkeysError('usage', `${this.description}: ipmitool asked for a password`, {
            hint: 'No usable password reached it: check IPMI_PASSWORD or --password-file (non-empty, readable).',
          }),
        );
      } else this.onLine(event.text, event.message);
    }
  }

  private onLine(raw: string, message: IpmitoolMessage | null): void {
    const text = raw.replaceAll(
      String.fromCharCode(this.escaper.escape),
      describeEscape(this.escaper.escape),
    );
    this.attempt?.said.push(text);
    const outcome = message?.outcome;
    this.noticeEmitter.fire({ type: noticeLevel(outcome), message: `ipmitool: ${text}` });
    if (outcome?.kind === 'operational') this.attempt?.succeed();
    else if (outcome?.kind === 'failure') this.attempt?.record(outcome, text);
    else if (outcome?.kind === 'loss')
      this.loss ??= lossReason(outcome, `${this.description}: ipmitool: ${text}`);
  }

  private bmcSilent(message: string): void {
    this.noticeEmitter.fire({ type: 'warning', message });
    this.loss = { kind: 'error', code: 'bmc-unresponsive', message };
    const pid = this.pid;
    if (pid === undefined) return;
    // SIGINT lets ipmitool try to close its session (the BMC may only be slow); then make sure.
    signal(pid, 'SIGINT');
    this.timers.kill = this.clock.setTimeout(() => signal(-pid, 'SIGKILL'), QUIT_GRACE_MS);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
