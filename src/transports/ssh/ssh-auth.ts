// SSH client authentication in OpenSSH's order: none (to learn what the server takes), key files
// (-i first, then ~/.ssh/config's IdentityFile or the default id_ed25519/id_ecdsa/id_rsa), ssh-agent,
// keyboard-interactive, password. Secrets (passwords, passphrases) never reach a message or log.

import { readFile } from 'node:fs/promises';
import ssh2, {
  type AnyAuthMethod,
  type AuthHandlerMiddleware,
  type AuthenticationType,
  type ParsedKey,
  type Prompt,
} from 'ssh2';

// ssh2 is CommonJS; Node's ESM loader sees only some of its named exports, not `utils`.
const { utils } = ssh2;
import { XenkeysError } from '../../core/errors.js';
import type { SecretPrompt } from '../secret-prompt.js';

export const PASSWORD_ENV = 'XENKEYS_SSH_PASSWORD';

export interface AuthSources {
  username: string;
  /** "admin@bmc.example.net", for prompts and messages. */
  who: string;
  /** Key files in the order to try them; missing ones are skipped unless explicit (-i). */
  identityFiles: { path: string; explicit: boolean }[];
  /** SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** From XENKEYS_SSH_PASSWORD. */
  password?: string;
  /** Asks at the terminal; undefined when there is none. */
  prompt?: SecretPrompt;
  /** Shortens paths in messages (`~/.ssh/id_rsa`). */
  home?: string;
  /** Answers typed earlier (kept across reconnects so a person is asked once). */
  memo?: Map<string, string>;
}

type Step = 'none' | { key: string; explicit: boolean } | 'agent' | 'keyboard-interactive' | 'password';

/** One login attempt's plan and what it tried, for ssh2's authHandler. */
export class SshAuth {
  /** Methods tried, for the error: "publickey ~/.ssh/id_ed25519", "password" — never a secret. */
  readonly tried: string[] = [];
  /** Why something was not tried (an encrypted key without a terminal, say). */
  readonly notes: string[] = [];
  private serverMethods: AuthenticationType[] | null = null;
  private fatal: XenkeysError | undefined;
  private readonly steps: Step[];
  private readonly memo: Map<string, string>;

  constructor(private readonly sources: AuthSources) {
    this.memo = sources.memo ?? new Map();
    this.steps = [
      'none',
      ...sources.identityFiles.map((f) => ({ key: f.path, explicit: f.explicit })),
      ...(sources.agentSocket ? (['agent'] as const) : []),
      'keyboard-interactive',
      'password',
    ];
  }

  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    if (methodsLeft) this.serverMethods = methodsLeft;
    void this.nextMethod().then(
      (method) => next((method ?? false) as AnyAuthMethod),
      (error: unknown) => {
        // A bad -i file or Ctrl-C at a prompt is the answer itself, not one more failed method.
        this.fatal = error instanceof XenkeysError ? error : undefined;
        this.notes.push((error as Error).message);
        next(false as unknown as AnyAuthMethod);
      },
    );
  };

  private allowed(method: AuthenticationType): boolean {
    return this.serverMethods === null || this.serverMethods.includes(method);
  }

  private async nextMethod(): Promise<AnyAuthMethod | undefined> {
    const username = this.sources.username;
    for (let step = this.steps.shift(); step !== undefined; step = this.steps.shift()) {
      if (step === 'none') {
        this.tried.push('none');
        return { type: 'none', username };
      }
      if (typeof step === 'object') {
        if (!this.allowed('publickey')) continue;
        const key = await this.loadKey(step.key, step.explicit);
        if (!key) continue;
        this.tried.push(`publickey ${this.short(step.key)}`);
        return { type: 'publickey', username, key };
      }
      if (step === 'agent') {
        if (!this.allowed('publickey')) continue;
        this.tried.push('publickey via ssh-agent');
        return { type: 'agent', username, agent: this.sources.agentSocket! };
      }
      if (step === 'keyboard-interactive') {
        if (!this.allowed('keyboard-interactive')) continue;
        if (!this.sources.prompt && this.password() === undefined) {
          this.notes.push(`keyboard-interactive not tried: no terminal to answer it and no ${PASSWORD_ENV}`);
          continue;
        }
        this.tried.push('keyboard-interactive');
        return { type: 'keyboard-interactive', username, prompt: (...args) => void this.answer(...args) };
      }
      if (!this.allowed('password')) continue;
      const password = this.password() ?? (await this.ask('password', `${this.sources.who}'s password: `));
      if (password === undefined) {
        this.notes.push(`password not tried: set ${PASSWORD_ENV} or run from a terminal to be asked`);
        continue;
      }
      this.tried.push('password');
      return { type: 'password', username, password };
    }
    return undefined;
  }

  private password(): string | undefined {
    return this.sources.password ?? this.memo.get('password');
  }

  private async ask(memoKey: string, question: string, echo = false): Promise<string | undefined> {
    const known = this.memo.get(memoKey);
    if (known !== undefined) return known;
    if (!this.sources.prompt) return undefined;
    const answer = await this.sources.prompt(question, { echo });
    // Passwords and passphrases are kept for a reconnect; one-time codes (other prompts) are not.
    if (!memoKey.startsWith('ki:')) this.memo.set(memoKey, answer);
    return answer;
  }

  /** Reads and parses a key file, asking for its passphrase if it is encrypted and someone can answer. */
  private async loadKey(file: string, explicit: boolean): Promise<ParsedKey | undefined> {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      if (explicit) {
        throw new XenkeysError('usage', `-i ${file}: ${(error as Error).message}`, {
          hint: 'Give the path of a private key file (not the .pub).',
        });
      }
      return undefined; // a missing default key is normal
    }
    let parsed = utils.parseKey(data);
    for (
      let attempt = 1;
      parsed instanceof Error && /no passphrase given|bad passphrase/i.test(parsed.message);
      attempt++
    ) {
      if (!this.sources.prompt) {
        this.notes.push(
          `${this.short(file)} is encrypted and there is no terminal for its passphrase: load it into ssh-agent (ssh-add ${this.short(file)})`,
        );
        return undefined;
      }
      if (attempt > 3) {
        this.notes.push(`${this.short(file)}: wrong passphrase three times`);
        return undefined;
      }
      const memoKey = `passphrase:${file}`;
      const passphrase = await this.ask(memoKey, `Enter passphrase for key '${this.short(file)}': `);
      parsed = utils.parseKey(data, passphrase);
      if (parsed instanceof Error) this.memo.delete(memoKey);
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || key === undefined || !key.isPrivateKey()) {
      const why = key instanceof Error ? key.message : 'not a private key';
      if (explicit) {
        throw new XenkeysError('usage', `-i ${file}: ${why}`, {
          hint: 'Give an OpenSSH, PEM or PuTTY private key (ed25519, ECDSA or RSA).',
        });
      }
      this.notes.push(`${this.short(file)} skipped: ${why}`);
      return undefined;
    }
    return key;
  }

  /** keyboard-interactive: a password prompt gets the password; anything else asks the person. */
  private async answer(
    _name: string,
    _instructions: string,
    _lang: string,
    prompts: Prompt[],
    finish: (answers: string[]) => void,
  ): Promise<void> {
    const answers: string[] = [];
    try {
      for (const p of prompts) {
        const isPassword = /pass(word|code)?/i.test(p.prompt) && !p.echo;
        const known = isPassword ? this.password() : undefined;
        const key = isPassword ? 'password' : `ki:${p.prompt}`;
        answers.push(known ?? (await this.ask(key, p.prompt, p.echo ?? false)) ?? '');
      }
    } catch (error) {
      this.notes.push((error as Error).message);
    }
    finish(answers);
  }

  private short(file: string): string {
    const home = this.sources.home;
    return home && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
  }

  /** The error for "the server took none of it": what was tried, what it accepts, what to do. */
  failure(target: string): XenkeysError {
    if (this.fatal) return this.fatal;
    const offered = this.serverMethods ? `; it accepts ${this.serverMethods.join(', ')}` : '';
    const tried = this.tried.filter((t) => t !== 'none');
    return new XenkeysError(
      'auth-failed',
      `${target} refused the login: tried ${tried.length > 0 ? tried.join(', ') : 'nothing it accepts'}${offered}`,
      {
        hint: [
          ...this.notes,
          `Give a key with -i FILE, load one into ssh-agent, or set ${PASSWORD_ENV} (or run from a terminal to be asked); check the user name.`,
        ].join('\n'),
      },
    );
  }
}
