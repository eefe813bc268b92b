// A real SSH server for hermetic tests: ssh2's own Server on 127.0.0.1 with a fresh host key. It
// records logins, exec/shell/pty requests, every byte a session receives and RFC 4335 "break"
// requests (ssh2 has no event for those: we wrap its channel-request handler, as its server would).

import { timingSafeEqual } from 'node:crypto';
import ssh2, { type AuthenticationType, type PseudoTtyInfo, type ServerChannel } from 'ssh2';

const { Server, utils } = ssh2;

export interface TestServerOptions {
  /** The host key (private, OpenSSH format); default a new ed25519 key. */
  hostKey?: string;
  /** More host keys (private, OpenSSH format) the server also offers, as a host with several types does. */
  extraHostKeys?: string[];
  /** Accept publickey logins with this public key (OpenSSH `type base64` line). */
  authorizedKey?: string;
  /** Accept password and keyboard-interactive logins with this password. */
  password?: string;
  /** Methods the server says it takes; default publickey, keyboard-interactive, password. */
  methods?: AuthenticationType[];
  /** Reply success to "break" requests (default) or failure. */
  acceptBreak?: boolean;
}

export interface TestSession {
  kind: 'exec' | 'shell';
  command?: string;
  pty?: PseudoTtyInfo;
  stream: ServerChannel;
  /** Every byte received on the session, in order. */
  received(): Buffer;
  /** Resolves once the session has received at least n bytes. */
  waitForBytes(n: number): Promise<Buffer>;
  /** Break lengths (ms) requested so far. */
  breaks: number[];
  nextBreak(): Promise<number>;
}

export interface TestServer {
  port: number;
  /** The host key's public blob, as a client sees it. */
  hostPublicKey: Buffer;
  hostPublicLine: string;
  logins: { method: string; username: string; password?: string; ok: boolean }[];
  nextSession(): Promise<TestSession>;
  close(): Promise<void>;
}

export function newKeyPair(type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519', passphrase?: string) {
  const opts = {
    ...(type === 'ecdsa' ? { bits: 256 } : type === 'rsa' ? { bits: 2048 } : {}),
    ...(passphrase ? { passphrase, cipher: 'aes256-ctr', rounds: 16 } : {}),
  };
  // ssh2 1.17 drops leading zero bytes of an ed25519 key it generates (about 1 key in 150), making
  // a file its own parser rejects: generate until the pair reads back.
  for (;;) {
    const pair = (utils.generateKeyPairSync as (t: string, o: object) => { private: string; public: string })(
      type,
      opts,
    );
    const parsed = utils.parseKey(pair.private, passphrase);
    if (!(parsed instanceof Error) && parsed.getPublicSSH().equals(publicBlob(pair.public))) return pair;
  }
}

export function publicBlob(publicLine: string): Buffer {
  return Buffer.from(publicLine.split(' ')[1]!, 'base64');
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const hostPair = options.hostKey ? undefined : newKeyPair();
  const hostKey = options.hostKey ?? hostPair!.private;
  const parsedHost = utils.parseKey(hostKey);
  if (parsedHost instanceof Error) throw parsedHost;
  const hostPublicKey = parsedHost.getPublicSSH();
  const methods = options.methods ?? ['publickey', 'keyboard-interactive', 'password'];
  const authorized = options.authorizedKey ? utils.parseKey(options.authorizedKey) : undefined;
  if (authorized instanceof Error) throw authorized;
  const logins: TestServer['logins'] = [];
  const sessions: TestSession[] = [];
  const waiters: ((s: TestSession) => void)[] = [];
  const sameSecret = (a: string, b: string | undefined): boolean =>
    b !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  const clients: { end(): unknown }[] = [];
  const server = new Server({ hostKeys: [hostKey, ...(options.extraHostKeys ?? [])] }, (client) => {
    clients.push(client);
    (client as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true); // missing from @types/ssh2
    let latest: TestSession | undefined;
    const breakWaiters: ((ms: number) => void)[] = [];
    const proto = (client as unknown as { _protocol: InternalProtocol })._protocol;
    const original = proto._handlers.CHANNEL_REQUEST;
    proto._handlers.CHANNEL_REQUEST = (p, recipient, type, wantReply, data) => {
      if (type !== 'break' || !latest) return original(p, recipient, type, wantReply, data);
      const ms = (data as Buffer).readUInt32BE(0);
      latest.breaks.push(ms);
      breakWaiters.shift()?.(ms);
      const id = (latest.stream as unknown as { outgoing: { id: number } }).outgoing.id;
      if (!wantReply) return;
      if (options.acceptBreak === false) proto.channelFailure(id);
      else proto.channelSuccess(id);
    };

    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const record = (ok: boolean, password?: string): void => {
        logins.push({
          method: ctx.method,
          username: ctx.username,
          ok,
          ...(password !== undefined ? { password } : {}),
        });
        if (ok) ctx.accept();
        else ctx.reject(methods);
      };
      if (ctx.method === 'password')
        return record(
          methods.includes('password') && sameSecret(ctx.password, options.password),
          ctx.password,
        );
      if (ctx.method === 'publickey') {
        const ok =
          methods.includes('publickey') &&
          authorized !== undefined &&
          ctx.key.algo === authorized.type &&
          ctx.key.data.equals(authorized.getPublicSSH());
        if (!ok || !ctx.signature) return ok ? ctx.accept() : record(false);
        return record(authorized!.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
      }
      if (ctx.method === 'keyboard-interactive' && methods.includes('keyboard-interactive')) {
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) =>
          record(sameSecret(answers[0] ?? '', options.password), answers[0]),
        );
      }
      record(false);
    });
    client.on('session', (accept) => {
      const session = accept();
      let pty: PseudoTtyInfo | undefined;
      session.on('pty', (ok, _reject, info) => {
        pty = info;
        ok?.();
      });
      const start = (kind: 'exec' | 'shell', stream: ServerChannel, command?: string): void => {
        const chunks: Buffer[] = [];
        const byteWaiters: { n: number; resolve: (b: Buffer) => void }[] = [];
        const received = (): Buffer => Buffer.concat(chunks);
        stream.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          const all = received();
          for (const w of byteWaiters.splice(0)) {
            if (all.length >= w.n) w.resolve(all);
            else byteWaiters.push(w);
          }
        });
        const s: TestSession = {
          kind,
          ...(command !== undefined ? { command } : {}),
          ...(pty ? { pty } : {}),
          stream,
          received,
          waitForBytes: (n) =>
            received().length >= n
              ? Promise.resolve(received())
              : new Promise((resolve) => byteWaiters.push({ n, resolve })),
          breaks: [],
          nextBreak: () => new Promise((resolve) => breakWaiters.push(resolve)),
        };
        latest = s;
        sessions.push(s);
        waiters.shift()?.(s);
      };
      session.on('exec', (ok, _reject, info) => start('exec', ok(), info.command));
      session.on('shell', (ok) => start('shell', ok()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  let taken = 0;
  return {
    port: address.port,
    hostPublicKey,
    hostPublicLine: `${parsedHost.type} ${hostPublicKey.toString('base64')}`,
    logins,
    nextSession: () => {
      const ready = sessions[taken];
      taken++;
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

interface InternalProtocol {
  _handlers: {
    CHANNEL_REQUEST: (p: unknown, recipient: number, type: string, wantReply: boolean, data: unknown) => void;
  };
  channelSuccess(id: number): void;
  channelFailure(id: number): void;
}
