// A console behind conserver, through its own client: `console -e '^]c' NAME` in a pty. The escape
// is moved from conserver's ^Ec to ^]c, outside Xen's Ctrl-A..Ctrl-Z switch range, so the switch
// triple passes as one plain write. What conserver says itself ("[Enter `^]c?' for help]",
// "[halt sent]", "[quote \035]") is taken out of the stream: the raw log holds console bytes only.

import { XenkeysError } from '../core/errors.js';
import { ChatterFilter } from './chatter-filter.js';
import { SpawnTransport, type SpawnSpec } from './spawn.js';
import type { TransportKind } from './transport.js';

export interface ConserverTarget {
  console: string;
  /** conserver's master host (`console -M`); default: the client's own setting. */
  host?: string;
  /** The master's port (`console -p`); default: the client's own setting (782). */
  port?: number;
}

export interface ConserverTransportOptions extends ConserverTarget {
  /** How long to wait for conserver's attach banner; default 15 s. */
  attachTimeoutMs?: number;
}

const ESCAPE = 0x1d; // ^]
const ESCAPE_SPEC = '^]c';
// The client prints this itself, ending in a bare \n in a raw pty (conserver 8.2.7); the server's
// own answers below end in \r\n.
const BANNER = /\[Enter `[^'\r\n]{1,8}\?' for help\]\r?\n/;
// conserver's answer to `l0` (send this console's break sequence) and to a quoted ^].
const HALT_SENT = '[halt sent]\r\n';
const QUOTED_ESCAPE = '[quote \\035]';
const QUOTE = Buffer.from(`\x1dc\\035`, 'latin1');
/** How long an expected conserver message may take before held bytes count as console data. */
const CHATTER_WAIT_MS = 5_000;

/** `NAME`, `NAME@HOST`, `NAME@HOST:PORT`, `NAME@[v6]:PORT`; throws a usage error otherwise. */
export function parseConserverTarget(spec: string): ConserverTarget {
  const m = /^([A-Za-z0-9][\w.-]*)(?:@(?:\[([^\]]+)\]|([A-Za-z0-9][\w.-]*))(?::(\d+))?)?$/.exec(spec);
  const port = m?.[4] === undefined ? undefined : Number(m[4]);
  if (!m?.[1] || (port !== undefined && (port < 1 || port > 65535))) {
    throw new XenkeysError('usage', `bad conserver console "${spec}"`, {
      hint: 'Write NAME, NAME@HOST or NAME@HOST:PORT (the conserver master), e.g. db07@consoles.example.net.',
    });
  }
  const host = m[2] ?? m[3];
  return { console: m[1], ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}) };
}

export class ConserverTransport extends SpawnTransport {
  override readonly kind: TransportKind = 'conserver';
  override readonly canBreak: boolean = true;
  private readonly target: ConserverTransportOptions;
  private filter = new ChatterFilter();
  private chatterTimer: NodeJS.Timeout | undefined;
  /** Until the banner: what the client said (an error, if it never attaches). Then undefined. */
  private beforeAttach: Buffer | undefined;
  private attached: (() => void) | undefined;
  /** Console bytes that arrived with the banner, delivered right after open() returns. */
  private held: Uint8Array[] | undefined;

  constructor(options: ConserverTransportOptions) {
    const where = options.host ? `@${options.host}${options.port ? `:${options.port}` : ''}` : '';
    super({ command: 'console', description: `conserver ${options.console}${where}` });
    this.target = options;
  }

  protected override spawnSpec(): SpawnSpec {
    const t = this.target;
    const args = ['-e', ESCAPE_SPEC];
    if (t.host !== undefined) args.push('-M', t.host);
    if (t.port !== undefined) args.push('-p', String(t.port));
    return { file: 'console', args: [...args, t.console], env: {} };
  }

  override async open(): Promise<void> {
    if (this.isOpen) return;
    this.filter = new ChatterFilter();
    this.beforeAttach = Buffer.alloc(0);
    this.held = [];
    let timer: NodeJS.Timeout | undefined;
    let closed: { dispose(): void } | undefined;
    const attached = new Promise<void>((resolve, reject) => {
      this.attached = resolve;
      const fail = (why: string) => {
        const said = this.beforeAttach?.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
        reject(
          new XenkeysError('connect-failed', `${this.description}: ${why}`, {
            hint: said
              ? `console said: ${said}`
              : 'check the console name (console -u lists them) and the conserver host and port',
          }),
        );
      };
      const timeoutMs = this.target.attachTimeoutMs ?? 15_000;
      timer = setTimeout(() => fail(`not attached within ${timeoutMs / 1000} s`), timeoutMs);
      closed = this.onClose((reason) => fail(reason.message));
    });
    attached.catch(() => undefined); // awaited below; may settle while super.open() runs
    try {
      await super.open();
      await attached;
    } catch (error) {
      await this.close('attach failed');
      throw error;
    } finally {
      clearTimeout(timer);
      closed?.dispose();
      this.attached = undefined;
    }
    setImmediate(() => {
      const held = this.held ?? [];
      this.held = undefined;
      for (const bytes of held) if (this.isOpen) this.dataEmitter.fire(bytes);
    });
  }

  protected override handleIncoming(bytes: Uint8Array): void {
    if (this.beforeAttach !== undefined) {
      const said = Buffer.concat([this.beforeAttach, bytes]);
      const m = BANNER.exec(said.toString('latin1'));
      if (!m) {
        this.beforeAttach = said.subarray(-4096);
        return;
      }
      this.beforeAttach = undefined;
      this.attached?.();
      bytes = said.subarray(m.index + m[0].length);
    }
    this.deliver(this.filter.feed(bytes));
    if (this.filter.waiting === 0) clearTimeout(this.chatterTimer);
  }

  protected override encodeOutgoing(bytes: Uint8Array): Uint8Array {
    if (!bytes.includes(ESCAPE)) return bytes;
    // ^] would start conserver's escape: each one goes quoted as ^]c\035, and is answered.
    const parts: Buffer[] = [];
    for (const b of bytes) {
      if (b === ESCAPE) {
        parts.push(QUOTE);
        this.expectChatter(QUOTED_ESCAPE);
      } else parts.push(Buffer.of(b));
    }
    return Buffer.concat(parts);
  }

  /** conserver's `^]cl0`: the console's own break sequence (by default a real BREAK). */
  override async sendBreak(): Promise<void> {
    this.assertOpen();
    this.expectChatter(HALT_SENT);
    this.writeRaw(Buffer.from('\x1dcl0', 'latin1'));
  }

  override async close(message?: string): Promise<void> {
    clearTimeout(this.chatterTimer);
    await super.close(message);
  }

  private deliver(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.held) this.held.push(bytes);
    else this.dataEmitter.fire(bytes);
  }

  private expectChatter(message: string): void {
    this.filter.expect(message);
    clearTimeout(this.chatterTimer);
    // conserver always answers; if it somehow does not, held bytes must not wait forever.
    this.chatterTimer = setTimeout(() => this.deliver(this.filter.flush()), CHATTER_WAIT_MS);
  }
}
