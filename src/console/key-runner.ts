// Pressing debug keys and keeping what each one prints. One key at a time: Xen holds a single
// pending key, so a second key sent before the first one's output has gone quiet replaces it.
// Every capture is bracketed by markers in the session stream, so recordings can be re-cut later.

import { XenkeysError } from '../core/errors.js';
import { parseHandlers } from '../parse/handlers.js';
import type { Line } from './line-splitter.js';
import { waitForQuiet, type QuietResult } from './quiet.js';
import { switchTo, type SwitchOptions } from './switcher.js';
import { LOSS_CODES, type XenConsole } from './xen-console.js';

export type CaptureEndReason = QuietResult | 'interrupted' | 'transport-lost';

export interface KeyCapture {
  key: string;
  description: string | null;
  /** Session seconds: when the key was sent, its first output byte, and when output was judged complete. */
  start: number;
  firstOutput: number | null;
  end: number;
  /** Raw-log byte range of everything received while the key was being captured. */
  rawStart: number;
  rawEnd: number;
  bytes: number;
  lines: number;
  /** The complete lines received, verbatim (prefixes kept, line endings and escapes removed). */
  text: string;
  endReason: CaptureEndReason;
}

export interface KeyTiming {
  /** Output is complete after this long without a byte. */
  quietMs: number;
  /** A key that prints nothing within this long is reported as having no output. */
  firstOutputMs: number;
  /** Never collect one key for longer than this. */
  capMs: number;
}

export const DEFAULT_TIMING: KeyTiming = { quietMs: 1_000, firstOutputMs: 10_000, capMs: 300_000 };

export interface KeyRunOptions extends SwitchOptions {
  timing?: Partial<KeyTiming>;
  /** Dangerous keys (reboot, crash dump, NMI, `*`, state changes) are refused unless true. */
  allowDangerous?: boolean;
}

/** Switch to Xen if needed, press one key, and collect its output until it goes quiet. */
export async function captureKey(
  console: XenConsole,
  key: string,
  options: KeyRunOptions = {},
): Promise<KeyCapture> {
  assertSingleKey(key);
  const danger = console.catalog.danger(key);
  if (danger && !options.allowDangerous) throw dangerousKeyError(key, danger, console.catalog.describe(key));
  await switchTo(console, 'xen', options);

  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const description = console.catalog.describe(key);
  const lines: Line[] = [];
  let firstOutput: number | null = null;
  const rawStart = console.bytesReceived;
  const subs = [
    console.onLine((line) => lines.push(line)),
    console.onEvent((event) => {
      if (event.type === 'output' && firstOutput === null) firstOutput = event.t;
    }),
  ];
  const start = console.elapsed();
  console.mark({ type: 'key-start', key, description });
  let endReason: CaptureEndReason;
  try {
    const quiet = waitForQuiet(console, { ...timing, ...(options.signal ? { signal: options.signal } : {}) });
    quiet.catch(() => undefined);
    await console.send(Buffer.from(key, 'latin1'), 'debug-key', new Set([key]));
    endReason = await quiet;
  } catch (error) {
    endReason = classifyInterruption(error, options.signal);
  } finally {
    for (const s of subs) s.dispose();
  }
  const capture: KeyCapture = {
    key,
    description,
    start,
    firstOutput,
    end: console.elapsed(),
    rawStart,
    rawEnd: console.bytesReceived,
    bytes: console.bytesReceived - rawStart,
    lines: lines.length,
    text: lines.map((l) => l.text).join('\n'),
    endReason,
  };
  console.mark({ type: 'key-end', key, lines: capture.lines, bytes: capture.bytes, reason: endReason });
  if (key === 'h') console.catalog.learn(parseHandlers(lines.map((l) => l.text)));
  return capture;
}

export interface KeysRunHooks {
  onKeyStart?: (key: string, index: number, total: number) => void;
  onKeyDone?: (capture: KeyCapture, index: number, total: number) => void;
  onWarning?: (message: string) => void;
}

/**
 * Capture several keys in order. Stops early (returning what it has) when interrupted or when the
 * connection is lost; the caller restores input either way.
 */
export async function captureKeys(
  console: XenConsole,
  keys: readonly string[],
  options: KeyRunOptions = {},
  hooks: KeysRunHooks = {},
): Promise<KeyCapture[]> {
  const captures: KeyCapture[] = [];
  for (const [index, key] of keys.entries()) {
    if (options.signal?.aborted) break;
    if (console.catalog.has(key) === false) {
      hooks.onWarning?.(`key '${key}' is not in this host's handler list ('h'); Xen will ignore it`);
    }
    hooks.onKeyStart?.(key, index, keys.length);
    const capture = await captureKey(console, key, options);
    captures.push(capture);
    hooks.onKeyDone?.(capture, index, keys.length);
    if (capture.endReason === 'interrupted' || capture.endReason === 'transport-lost') break;
  }
  return captures;
}

export function dangerousKeyError(key: string, danger: string, description: string | null): XenkeysError {
  const what = description ? `'${key}' (${description})` : `'${key}'`;
  return new XenkeysError('dangerous-key', `refusing ${danger} key ${what}`, {
    hint: 'Pass --allow-dangerous if you really mean it: it can reboot, crash or change the state of the host.',
  });
}

function assertSingleKey(key: string): void {
  const code = key.charCodeAt(0);
  if (key.length !== 1 || code < 0x21 || code > 0x7e) {
    throw new XenkeysError(
      'usage',
      `a debug key is one printable ASCII character, got ${JSON.stringify(key)}`,
    );
  }
}

function classifyInterruption(error: unknown, signal: AbortSignal | undefined): CaptureEndReason {
  if (signal?.aborted) return 'interrupted';
  if (error instanceof XenkeysError && LOSS_CODES.has(error.code)) return 'transport-lost';
  throw error;
}
