// Any console command (ipmitool, `virsh console`, `xl console`, ssh…) run in a pseudo-terminal
// with node-pty. The pty is put into raw mode before the command starts, so it behaves like a
// serial line: bytes pass untouched both ways (no CR→NL, no echo, Ctrl-C is a byte, not SIGINT).
// Subclasses (IPMI SOL) override spawnSpec() / encodeOutgoing() / handleIncoming().

import { constants } from 'node:os';
import * as pty from 'node-pty';
import { XenkeysError } from '../core/errors.js';
import { TransportBase } from './base.js';
import type { TransportKind } from './transport.js';

/** What to run. Secrets go in `env` only: argv is world-readable in /proc/PID/cmdline. */
export interface SpawnSpec {
  file: string;
  args: string[];
  /** Added to (and overriding) the parent's environment. */
  env: Record<string, string>;
}

export interface SpawnTransportOptions {
  /** Run via `/bin/sh -c`. Put secrets in `env`, never here. */
  command: string;
  cols?: number;
  rows?: number;
  /** Extra environment for the command, e.g. { IPMI_PASSWORD: … } with `ipmitool -E`. */
  env?: Record<string, string>;
  cwd?: string;
  /** Status-bar text instead of `spawn <command>`. */
  description?: string;
  /** How long the pty may take to come up in raw mode; default 10 s. */
  readyTimeoutMs?: number;
}

// Printed by the wrapper once `stty raw` has taken effect; writes before it would be cooked.
// An OSC string, so even if it ever leaked a terminal would swallow it.
const READY = Buffer.from('\x1b]xenkeys-ready\x07', 'latin1');
const WRAPPER = `stty raw -echo 2>/dev/null; printf '\\033]xenkeys-ready\\007'; exec "$0" "$@"`;

export class SpawnTransport extends TransportBase {
  readonly kind: TransportKind = 'spawn';
  readonly description: string;
  readonly canBreak: boolean = false;
  protected readonly options: SpawnTransportOptions;
  private term: pty.IPty | undefined;
  private cols: number;
  private rows: number;

  constructor(options: SpawnTransportOptions) {
    super();
    this.options = options;
    this.cols = options.cols ?? 80;
    this.rows = options.rows ?? 24;
    this.description = options.description ?? `spawn ${options.command}`;
  }

  /** The child's pid while connected (tests read its /proc entry). */
  get pid(): number | undefined {
    return this.term?.pid;
  }

  /** What to exec once the pty is raw. Override to run a program directly with secrets in env. */
  protected spawnSpec(): SpawnSpec {
    return { file: '/bin/sh', args: ['-c', this.options.command], env: { ...this.options.env } };
  }

  /** Bytes from the caller on their way to the child; override to escape (ipmitool's `~`). */
  protected encodeOutgoing(bytes: Uint8Array): Uint8Array {
    return bytes;
  }

  /** Bytes from the child; override to pick out medium chatter (SOL status lines) as notices. */
  protected handleIncoming(bytes: Uint8Array): void {
    this.dataEmitter.fire(bytes);
  }

  /** Straight to the pty, one write, no encoding: for subclasses' own sequences (`~B`). */
  protected writeRaw(bytes: Uint8Array): void {
    this.assertOpen();
    this.term?.write(Buffer.from(bytes));
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const spec = this.spawnSpec();
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, spec.env);

    let term: pty.IPty;
    try {
      term = pty.spawn('/bin/sh', ['-c', WRAPPER, spec.file, ...spec.args], {
        cols: this.cols,
        rows: this.rows,
        cwd: this.options.cwd ?? process.cwd(),
        env,
        encoding: null, // Buffers, byte-exact, instead of UTF-8 strings
      });
    } catch (error) {
      throw new XenkeysError(
        'connect-failed',
        `${this.description}: cannot start: ${(error as Error).message}`,
        {
          hint: 'check that /bin/sh exists and the working directory is readable',
          cause: error,
        },
      );
    }

    let pending: Buffer | undefined = Buffer.alloc(0); // until READY; then undefined
    let ready!: () => void;
    let failed!: (error: XenkeysError) => void;
    const started = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });

    // Output that arrives with READY is held until open()'s caller has resumed (as with a
    // socket, whose first data can never beat open()), and later chunks queue behind it.
    let held: Buffer[] | undefined;
    const flushHeld = () => {
      const chunks = Buffer.concat(held ?? []);
      held = undefined;
      if (chunks.length > 0 && this.term === term) this.handleIncoming(chunks);
    };
    term.onData((data: string | Buffer) => {
      const chunk = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      if (held) held.push(chunk);
      else if (pending === undefined) {
        if (this.term === term) this.handleIncoming(chunk);
      } else {
        pending = Buffer.concat([pending, chunk]);
        const at = pending.indexOf(READY);
        if (at < 0) return;
        held = [pending.subarray(0, at), pending.subarray(at + READY.length)];
        pending = undefined;
        this.term = term;
        this.markOpen();
        ready();
        setImmediate(flushHeld);
      }
    });

    const readyTimeoutMs = this.options.readyTimeoutMs ?? 10_000;
    let timedOut = false;
    term.onExit(({ exitCode, signal }) => {
      exited.add(term);
      const how = signal ? `was killed by ${signalName(signal)}` : `exited with code ${exitCode}`;
      if (pending !== undefined) {
        clearTimeout(timer);
        const said = pending.toString('utf8').trim();
        failed(
          timedOut
            ? new XenkeysError(
                'connect-failed',
                `${this.description}: the pty did not come up in ${readyTimeoutMs} ms`,
                {
                  hint: 'the shell never reached the command; check that /bin/sh and stty work on this host',
                },
              )
            : new XenkeysError('connect-failed', `${this.description}: ${how} before it started`, {
                hint: said ? `it said: ${said.slice(0, 200)}` : 'check the command runs from a shell',
              }),
        );
        return;
      }
      if (this.term !== term) return; // closed locally
      flushHeld(); // the last words of a child that exits at once
      this.term = undefined;
      this.markClosed({ kind: 'remote', message: `${this.options.command} ${how}` });
    });

    // On timeout, kill and let onExit reject: open() then settles only once the child is reaped.
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(term, 'SIGKILL');
    }, readyTimeoutMs);
    await started;
    clearTimeout(timer);
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    // One Buffer per call: node-pty queues it whole, so it reaches the pty as one write.
    this.writeRaw(this.encodeOutgoing(bytes));
  }

  /** Tell the child its window changed (SIGWINCH); remembered for the next open too. */
  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.term?.resize(cols, rows);
  }

  async close(message = 'closed'): Promise<void> {
    const term = this.term;
    this.term = undefined;
    this.markClosed({ kind: 'local', message });
    if (!term || exited.has(term)) return;
    await new Promise<void>((resolve) => {
      // Hang up like a modem would; if the child shrugs that off, make sure it goes.
      const force = setTimeout(() => killGroup(term, 'SIGKILL'), 2_000);
      term.onExit(() => {
        clearTimeout(force);
        resolve();
      });
      term.kill('SIGHUP');
    });
  }
}

// Terminals whose child is gone: close() must not wait for an exit that already happened.
const exited = new WeakSet<pty.IPty>();

/** node-pty's child leads its own session and group: kill the group so no grandchild lingers. */
function killGroup(term: pty.IPty, signal: NodeJS.Signals): void {
  try {
    process.kill(-term.pid, signal);
  } catch {
    term.kill(signal);
  }
}

function signalName(signal: number): string {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  return entry ? entry[0] : `signal ${signal}`;
}
