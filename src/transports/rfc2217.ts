// RFC 2217 COM-PORT-OPTION payloads, pure: what to ask a console server for (line speed, framing,
// flow control, BREAK, which line/modem changes to report) and what its answers mean. The telnet
// codec wraps these in IAC SB 44 … IAC SE; the server answers each command with command + 100.

import type { FlowControl, Parity, StopBits } from './serial.js';

const SET_BAUDRATE = 1;
const SET_DATASIZE = 2;
const SET_PARITY = 3;
const SET_STOPSIZE = 4;
const SET_CONTROL = 5;
const NOTIFY_LINESTATE = 6;
const NOTIFY_MODEMSTATE = 7;
const SET_LINESTATE_MASK = 10;
const SET_MODEMSTATE_MASK = 11;
const SERVER = 100;

const PARITY: Record<Parity, number> = { none: 1, odd: 2, even: 3, mark: 4, space: 5 };
const STOP: Record<string, number> = { '1': 1, '2': 2, '1.5': 3 };
const FLOW: Record<FlowControl, number> = { none: 1, xonxoff: 2, rtscts: 3 };

/** SET-CONTROL values xenkeys uses. */
export const CONTROL_BREAK_ON = 5;
export const CONTROL_BREAK_OFF = 6;

/** Line-state bits worth telling a person about: errors and BREAK seen on the far line. */
const LINESTATE_MASK = 0x1e;
/** Modem-state: carrier detect and its change, so a dropped carrier is reported. */
const MODEMSTATE_MASK = 0x88;

/** Line settings the user asked for; anything absent is only queried, never changed. */
export interface LineSettings {
  baud?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: Parity;
  stopBits?: StopBits;
  flow?: FlowControl;
}

export type ComPortReport =
  | { type: 'baud'; value: number }
  | { type: 'data-bits'; value: number }
  | { type: 'parity'; value: Parity | undefined }
  | { type: 'stop-bits'; value: StopBits | undefined }
  | { type: 'control'; value: number }
  | { type: 'line-state'; bits: number }
  | { type: 'modem-state'; bits: number }
  | { type: 'other'; command: number };

/**
 * The payloads sent once the server has agreed to COM-PORT-OPTION: each setting set or (value 0)
 * queried, so the answers tell the user what the port really runs at; then the notification masks.
 */
export function comPortRequests(settings: LineSettings): Uint8Array[] {
  const baud = Buffer.alloc(5);
  baud[0] = SET_BAUDRATE;
  baud.writeUInt32BE(settings.baud ?? 0, 1);
  const out = [
    Uint8Array.from(baud),
    Uint8Array.of(SET_DATASIZE, settings.dataBits ?? 0),
    Uint8Array.of(SET_PARITY, settings.parity ? PARITY[settings.parity] : 0),
    Uint8Array.of(SET_STOPSIZE, settings.stopBits !== undefined ? STOP[String(settings.stopBits)]! : 0),
  ];
  if (settings.flow) out.push(Uint8Array.of(SET_CONTROL, FLOW[settings.flow]));
  out.push(
    Uint8Array.of(SET_LINESTATE_MASK, LINESTATE_MASK),
    Uint8Array.of(SET_MODEMSTATE_MASK, MODEMSTATE_MASK),
  );
  return out;
}

export function setControl(value: number): Uint8Array {
  return Uint8Array.of(SET_CONTROL, value);
}

/** A server's COM-PORT-OPTION subnegotiation, or 'other' for what xenkeys does not use. */
export function parseComPort(payload: Uint8Array): ComPortReport {
  const command = payload[0] ?? -1;
  const value = payload[1] ?? 0;
  switch (command - SERVER) {
    case SET_BAUDRATE:
      return payload.length >= 5
        ? { type: 'baud', value: Buffer.from(payload).readUInt32BE(1) }
        : { type: 'other', command };
    case SET_DATASIZE:
      return { type: 'data-bits', value };
    case SET_PARITY:
      return { type: 'parity', value: keyOf(PARITY, value) };
    case SET_STOPSIZE: {
      const stop = keyOf(STOP, value);
      return { type: 'stop-bits', value: stop === undefined ? undefined : (Number(stop) as StopBits) };
    }
    case SET_CONTROL:
      return { type: 'control', value };
    case NOTIFY_LINESTATE:
      return { type: 'line-state', bits: value };
    case NOTIFY_MODEMSTATE:
      return { type: 'modem-state', bits: value };
    default:
      return { type: 'other', command };
  }
}

function keyOf<K extends string>(table: Record<K, number>, value: number): K | undefined {
  return (Object.keys(table) as K[]).find((k) => table[k] === value);
}

/** Line-state bits as words for a notice, e.g. ['BREAK detected', 'framing error']. */
export function describeLineState(bits: number): string[] {
  const words: [number, string][] = [
    [0x10, 'BREAK detected'],
    [0x08, 'framing error'],
    [0x04, 'parity error'],
    [0x02, 'overrun'],
    [0x80, 'timeout'],
  ];
  return words.filter(([bit]) => bits & bit).map(([, word]) => word);
}

/** `115200 8N1`-style summary of what the server reported; parts not yet known are left out. */
export function describeLine(line: {
  baud?: number;
  dataBits?: number;
  parity?: Parity;
  stopBits?: StopBits;
}): string {
  const letter: Record<Parity, string> = { none: 'N', even: 'E', odd: 'O', mark: 'M', space: 'S' };
  const frame =
    line.dataBits !== undefined && line.parity !== undefined && line.stopBits !== undefined
      ? ` ${line.dataBits}${letter[line.parity]}${line.stopBits}`
      : '';
  return `${line.baud ?? '?'}${frame}`;
}
