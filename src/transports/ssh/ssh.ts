// SSH consoles (BMC SSH consoles, console servers) with ssh2: checks the host key against OpenSSH's
// known_hosts, logs in, asks for a raw PTY and runs the console command (or a shell), then moves
// bytes verbatim. ssh2 has no client-side `~` escape, so `\r~.` reaches the BMC untouched.

import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { XenkeysError } from '../../core/errors.js';
import { TransportBase } from '../base.js';
import { hostKeyPolicy, HostKeyVerifier, loadKnownHosts, type HostKeyPolicy } from './host-key-policy.js';
import { ttyPrompt, type SecretPrompt } from '../secret-prompt.js';
import { PASSWORD_ENV, SshAuth } from './ssh-auth.js';
import { sendBreakRequest } from './ssh-break.js';
import { resolveSshTarget } from './ssh-config-file.js';
import { connectFailure } from './ssh-errors.js';
import { CONSOLE_PTY, knownHostsName } from './ssh-target.js';

export interface SshTransportOptions {
  /** `[USER@]HOST[:PORT]`; HOST may be a ~/.ssh/config alias. */
  address: string;
  /** Run this (a BMC's `console com2`, say); without it, open an interactive shell. */
  command?: string;
  /** Private key files given with -i, tried first. */
  identityFiles?: string[];
  /** --known-hosts files: read besides ~/.ssh/known_hosts; the first is where --accept-new writes. */
  knownHostsFiles?: string[];
  acceptNew?: boolean;
  /** Default process.env: SSH_AUTH_SOCK, XENKEYS_SSH_PASSWORD. */
  env?: NodeJS.ProcessEnv;
  /** Default os.homedir(): ~/.ssh lives here. */
  home?: string;
  /** Default ~/.ssh/config; null reads none. */
  sshConfigFile?: string | null;
  /** Default /etc/ssh/ssh_known_hosts (read only); null reads none. */
  systemKnownHosts?: string | null;
  /** Default: a no-echo prompt when stdin is a terminal; null never asks. */
  prompt?: SecretPrompt | null;
  /** Until logged in; default 20 s. */
  connectTimeoutMs?: number;
}

export class SshTransport extends TransportBase {
  readonly kind = 'ssh' as const;
  readonly description: string;
  readonly canBreak = true;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  private readonly options: SshTransportOptions;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  private readonly identityFiles: { path: string; explicit: boolean }[];
  private readonly policy: HostKeyPolicy;
  private readonly secrets = new Map<string, string>();
  private client: Client | undefined;
  private channel: ClientChannel | undefined;

  constructor(options: SshTransportOptions) {
    super();
    this.options = options;
    this.env = options.env ?? process.env;
    this.home = options.home ?? homedir();
    const target = resolveSshTarget(options.address, {
      home: this.home,
      localUser: this.env['USER'] ?? userInfo().username,
      configFile:
        options.sshConfigFile === undefined ? path.join(this.home, '.ssh', 'config') : options.sshConfigFile,
      identityFiles: options.identityFiles ?? [],
    });
    this.host = target.host;
    this.port = target.port;
    this.username = target.username;
    this.identityFiles = target.identityFiles;
    this.policy = hostKeyPolicy(
      this.home,
      options.knownHostsFiles ?? [],
      options.systemKnownHosts === undefined ? '/etc/ssh/ssh_known_hosts' : options.systemKnownHosts,
      options.acceptNew ?? false,
    );
    const command = options.command === undefined ? 'shell' : JSON.stringify(options.command);
    this.description = `ssh ${this.endpoint} ${command}`;
  }

  private get endpoint(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.username}@${host}${this.port === 22 ? '' : `:${this.port}`}`;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    const entries = await loadKnownHosts(this.policy.files);
    const name = knownHostsName(this.host, this.port);
    const prompt = this.options.prompt === undefined ? ttyPrompt() : (this.options.prompt ?? undefined);
    const password = this.env[PASSWORD_ENV];
    const agentSocket = this.env['SSH_AUTH_SOCK'];
    const auth = new SshAuth({
      username: this.username,
      who: this.endpoint,
      identityFiles: this.identityFiles,
      home: this.home,
      memo: this.secrets,
      ...(agentSocket ? { agentSocket } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(prompt ? { prompt } : {}),
    });

    const client = new Client();
    const hostKeys = new HostKeyVerifier(entries, name, this.policy, (message) =>
      this.noticeEmitter.fire({ type: 'info', message }),
    );
    const config: ConnectConfig = {
      host: this.host,
      port: this.port,
      username: this.username,
      readyTimeout: this.options.connectTimeoutMs ?? 20_000,
      // A BMC that stops answering is noticed within a minute, and the reconnect logic takes over.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      algorithms: { serverHostKey: hostKeys.algorithms() },
      authHandler: auth.handler,
      hostVerifier: hostKeys.verify,
    };

    // One error listener for the connection's whole life: before login it fails open(), after it
    // it is the reason the session ended.
    const state: { loggedIn: boolean; error?: Error } = { loggedIn: false };
    await new Promise<void>((resolve, reject) => {
      const fail = (error: XenkeysError): void => {
        if (state.loggedIn) return;
        client.end();
        reject(error);
      };
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (err.level === 'agent') return void auth.notes.push(`ssh-agent: ${err.message}`);
        if (state.loggedIn) return void (state.error ??= err);
        if (hostKeys.error) return fail(hostKeys.error);
        if (err.level === 'client-authentication') return fail(auth.failure(this.endpoint));
        fail(
          connectFailure(
            this.description,
            `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`,
            err,
            this.options.connectTimeoutMs ?? 20_000,
          ),
        );
      });
      client.once('close', () =>
        fail(
          hostKeys.error ??
            new XenkeysError(
              'connect-failed',
              `${this.description}: the server closed the connection during login`,
              {
                hint: 'It may allow only a few sessions at a time (close others), or refuse this client address.',
              },
            ),
        ),
      );
      client.once('ready', () => {
        state.loggedIn = true;
        resolve();
      });
      client.connect(config);
      // Keystrokes are tiny and each login step is a round trip: Nagle would add ~40 ms to each.
      client.setNoDelay(true);
    });

    let channel: ClientChannel;
    try {
      channel = await this.startConsole(client);
    } catch (error) {
      client.end();
      throw error;
    }
    this.attach(client, channel, state);
    this.markOpen();
  }

  private startConsole(client: Client): Promise<ClientChannel> {
    const command = this.options.command;
    const what = command === undefined ? 'a shell' : `"${command}"`;
    return new Promise((resolve, reject) => {
      const refused = (message: string, cause?: unknown): void =>
        reject(
          new XenkeysError(
            'connect-failed',
            `${this.description}: the server would not start ${what}: ${message}`,
            {
              hint: 'Check the --bmc preset or --ssh-command for this BMC, and that the account may use its console.',
              cause,
            },
          ),
        );
      const onClose = (): void => refused('it closed the connection');
      client.once('close', onClose);
      const done = (err: Error | undefined, channel: ClientChannel): void => {
        client.removeListener('close', onClose);
        if (err) refused(err.message, err);
        else resolve(channel);
      };
      if (command === undefined) client.shell(CONSOLE_PTY, done);
      else client.exec(command, { pty: CONSOLE_PTY }, done);
    });
  }

  private attach(client: Client, channel: ClientChannel, state: { error?: Error }): void {
    this.client = client;
    this.channel = channel;
    let exit = '';
    channel.on('data', (chunk: Buffer) => {
      if (this.channel === channel) this.dataEmitter.fire(chunk);
    });
    // With a PTY the far end's stderr is merged into the console; anything here is the server talking.
    channel.stderr.on('data', (chunk: Buffer) =>
      this.noticeEmitter.fire({
        type: 'warning',
        message: `${this.description}: ${chunk.toString('utf8').trim()}`,
      }),
    );
    channel.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') exit = ` (exit status ${code})`;
      else if (signal) exit = ` (killed by SIG${signal})`;
    });
    const ended = (): void => {
      if (this.channel !== channel) return; // a local close already reported
      this.channel = undefined;
      this.client = undefined;
      client.end();
      const failure = state.error;
      if (failure) {
        this.markClosed({
          kind: 'error',
          code: 'transport-lost',
          message: `${this.description}: ${failure.message}`,
          error: failure,
        });
      } else {
        this.markClosed({ kind: 'remote', message: `${this.description}: the console session ended${exit}` });
      }
    };
    channel.on('close', ended);
    client.on('close', ended);
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    const channel = this.channel;
    if (!channel) return;
    await new Promise<void>((resolve, reject) => {
      channel.write(Buffer.from(bytes), (err?: Error | null) =>
        err
          ? reject(
              new XenkeysError('transport-lost', `${this.description}: write failed: ${err.message}`, {
                cause: err,
              }),
            )
          : resolve(),
      );
    });
  }

  override async sendBreak(): Promise<void> {
    this.assertOpen();
    const { client, channel } = this;
    if (!client || !channel) return;
    // A server that never replies must not keep this pending past the end of the session.
    let sub: { dispose(): void } | undefined;
    const lost = new Promise<boolean>((resolve) => (sub = this.onClose(() => resolve(false))));
    const accepted = await Promise.race([sendBreakRequest(client, channel), lost]).finally(() =>
      sub?.dispose(),
    );
    if (!accepted && this.isOpen) {
      throw new XenkeysError('usage', `${this.description}: the SSH server refused the BREAK request`, {
        hint: "It does not pass RFC 4335 BREAK to the console; use the BMC's own break command, or IPMI SOL (--ipmi).",
      });
    }
  }

  async close(message = 'closed'): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.channel = undefined;
    this.markClosed({ kind: 'local', message });
    if (!client) return;
    await new Promise<void>((resolve) => {
      // A server that never answers the disconnect must not keep close() pending.
      const timer = setTimeout(() => (client.destroy(), resolve()), 2_000);
      client.once('close', () => (clearTimeout(timer), resolve()));
      client.end();
    });
  }
}
