// Telnet to a console server (ser2net, Opengear, Avocent/Cyclades, Lantronix, Digi): TCP plus the
// pure codec in telnet-codec.ts. The caller sees console bytes only, never negotiation; 0xFF goes
// both ways intact; BREAK is RFC 2217's SET-CONTROL when the server offers COM-PORT-OPTION (a timed
// BREAK), IAC BRK otherwise. Line settings the user gave are asked for; the rest are only queried.

import { Emitter } from '../core/emitter.js';
import { BRK, OPT_BINARY, OPT_COM_PORT, TelnetCodec, optionName, type TelnetEvent } from './telnet-codec.js';
import {
  CONTROL_BREAK_OFF,
  CONTROL_BREAK_ON,
  comPortRequests,
  describeLine,
  describeLineState,
  parseComPort,
  setControl,
  type ComPortReport,
  type LineSettings,
} from './rfc2217.js';
import { TcpTransport, type TcpTransportOptions } from './tcp.js';
import type { TransportKind } from './transport.js';

export interface TelnetTransportOptions extends TcpTransportOptions {
  /** Settings to ask for over RFC 2217; those left out are queried and reported, never changed. */
  line?: LineSettings;
  /** Offer RFC 2217 COM-PORT-OPTION; default true. */
  comPort?: boolean;
  /** How long an RFC 2217 BREAK is held; default 250 ms, as for a local serial port. */
  breakMs?: number;
  /** How long open() waits for answers to our option requests; default 3 s. */
  negotiateTimeoutMs?: number;
}

type Reported = {
  baud?: number;
  dataBits?: number;
  parity?: LineSettings['parity'];
  stopBits?: LineSettings['stopBits'];
};

export class TelnetTransport extends TcpTransport {
  override readonly kind: TransportKind = 'telnet';
  override readonly canBreak: boolean = true;
  private readonly telnet: Required<
    Pick<TelnetTransportOptions, 'comPort' | 'breakMs' | 'negotiateTimeoutMs'>
  > & {
    line: LineSettings;
  };
  private codec = new TelnetCodec();
  /** Console bytes decoded before open() has returned, delivered right after it. */
  private held: Uint8Array[] | undefined;
  private settled: (() => void) | undefined;
  private reported: Reported = {};
  private announced = false;
  /** The server has said anything in telnet (an option, a command) on this connection. */
  private heardTelnet = false;
  private readonly comPortEmitter = new Emitter<ComPortReport>();
  /** Every RFC 2217 answer from the server (settings, SET-CONTROL acknowledgements, line state). */
  readonly onComPort = this.comPortEmitter.on;

  constructor(options: TelnetTransportOptions) {
    super(options);
    this.telnet = {
      line: options.line ?? {},
      comPort: options.comPort ?? true,
      breakMs: options.breakMs ?? 250,
      negotiateTimeoutMs: options.negotiateTimeoutMs ?? 3_000,
    };
  }

  protected override get label(): string {
    return 'telnet';
  }

  /** True once the server has agreed to RFC 2217 on this connection. */
  get comPort(): boolean {
    return this.isOpen && this.codec.enabled('local', OPT_COM_PORT);
  }

  override async open(): Promise<void> {
    if (this.isOpen) return;
    this.codec = new TelnetCodec({ comPort: this.telnet.comPort });
    this.held = [];
    this.reported = {};
    this.announced = false;
    this.heardTelnet = false;
    await super.open();
    await this.writeWire(this.codec.start());
    await this.settle();
    // As with a plain socket, console bytes never beat open() to its caller.
    setImmediate(() => {
      const held = this.held ?? [];
      this.held = undefined;
      for (const bytes of held) if (this.isOpen) this.dataEmitter.fire(bytes);
    });
  }

  /** Waits for the server to answer our requests; a silent server is probably not telnet. */
  private settle(): Promise<void> {
    if (!this.codec.negotiating) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.settled = undefined;
        // A server that answered some options but not all is still telnet: carry on quietly.
        if (!this.heardTelnet) {
          this.noticeEmitter.fire({
            type: 'warning',
            message: `${this.description}: no answer to telnet negotiation in ${this.telnet.negotiateTimeoutMs / 1000} s; if this is a raw TCP port, use --tcp`,
          });
        }
        resolve();
      }, this.telnet.negotiateTimeoutMs);
      const closed = this.onClose(() => this.settled?.());
      this.settled = () => {
        clearTimeout(timer);
        closed.dispose();
        this.settled = undefined;
        resolve();
      };
    });
  }

  protected override handleIncoming(chunk: Uint8Array): void {
    const { data, reply, events } = this.codec.decode(chunk);
    if (events.length > 0 || reply.length > 0) this.heardTelnet = true;
    if (reply.length > 0) this.send(reply);
    for (const event of events) this.onTelnetEvent(event);
    if (data.length > 0) {
      if (this.held) this.held.push(data);
      else this.dataEmitter.fire(data);
    }
    if (!this.codec.negotiating) this.settled?.();
  }

  protected override encodeOutgoing(bytes: Uint8Array): Uint8Array {
    return this.codec.encode(bytes);
  }

  override async sendBreak(): Promise<void> {
    this.assertOpen();
    if (!this.codec.enabled('local', OPT_COM_PORT)) {
      await this.writeWire(this.codec.command(BRK));
      return;
    }
    await this.control(CONTROL_BREAK_ON);
    // The BREAK's length, not a wait for anything: the line is held in BREAK this long.
    await new Promise((resolve) => setTimeout(resolve, this.telnet.breakMs));
    await this.control(CONTROL_BREAK_OFF);
  }

  /** SET-CONTROL, resolved by the server's acknowledgement (or a warning if none comes). */
  private async control(value: number): Promise<void> {
    const acked = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), 2_000);
      // Any answer in SET-CONTROL's BREAK group (4–6) acknowledges: ser2net answers "BREAK on"
      // to on, off and query alike (seen with 4.3 on a pty), so its value is not checked.
      const sub = this.onComPort((report) => {
        if (report.type === 'control' && report.value >= 4 && report.value <= 6) done(true);
      });
      const gone = this.onClose(() => done(false));
      const done = (ok: boolean) => {
        clearTimeout(timer);
        sub.dispose();
        gone.dispose();
        resolve(ok);
      };
    });
    await this.writeWire(this.codec.subnegotiation(OPT_COM_PORT, setControl(value)));
    if (!(await acked) && this.isOpen) {
      this.noticeEmitter.fire({
        type: 'warning',
        message: `${this.description}: the server did not acknowledge BREAK ${value === CONTROL_BREAK_ON ? 'on' : 'off'}`,
      });
    }
  }

  private send(bytes: Uint8Array): void {
    // A failed write also closes the socket, and 'close' reports it.
    this.writeWire(bytes).catch(() => undefined);
  }

  private onTelnetEvent(event: TelnetEvent): void {
    if (event.type === 'option' && event.side === 'local' && event.option === OPT_COM_PORT) {
      if (event.enabled) {
        const requests = comPortRequests(this.telnet.line);
        this.send(Buffer.concat(requests.map((r) => this.codec.subnegotiation(OPT_COM_PORT, r))));
      } else if (event.refused && Object.keys(this.telnet.line).length > 0) {
        this.warn(
          'the server does not offer RFC 2217 COM-PORT-OPTION: the line settings given were not applied',
        );
      }
    } else if (event.type === 'option' && event.refused && event.option === OPT_BINARY) {
      this.info(
        `the server refused ${optionName(event.option)} (${event.side === 'local' ? 'from us' : 'from it'}): plain NVT, CR travels as CR NUL`,
      );
    } else if (event.type === 'subnegotiation' && event.option === OPT_COM_PORT) {
      const report = parseComPort(event.data);
      this.comPortEmitter.fire(report);
      this.onReport(report);
    }
  }

  private onReport(report: ComPortReport): void {
    const asked = this.telnet.line;
    switch (report.type) {
      case 'baud':
        this.reported.baud = report.value;
        if (asked.baud !== undefined && asked.baud !== report.value) {
          this.warn(`asked for ${asked.baud} baud, the server runs the port at ${report.value}`);
        }
        break;
      case 'data-bits':
        this.reported.dataBits = report.value;
        break;
      case 'parity':
        this.reported.parity = report.value;
        break;
      case 'stop-bits':
        this.reported.stopBits = report.value;
        break;
      case 'line-state': {
        const words = describeLineState(report.bits);
        if (words.length > 0) this.warn(`far serial line: ${words.join(', ')}`);
        return;
      }
      case 'modem-state':
        if (report.bits & 0x08) this.info(report.bits & 0x80 ? 'carrier detected' : 'carrier lost');
        return;
      default:
        return;
    }
    const r = this.reported;
    if (!this.announced && r.baud !== undefined && r.dataBits !== undefined && r.parity && r.stopBits) {
      this.announced = true;
      this.info(`RFC 2217: the port runs at ${describeLine(r)}`);
    }
  }

  private info(message: string): void {
    this.noticeEmitter.fire({ type: 'info', message: `${this.description}: ${message}` });
  }

  private warn(message: string): void {
    this.noticeEmitter.fire({ type: 'warning', message: `${this.description}: ${message}` });
  }
}
