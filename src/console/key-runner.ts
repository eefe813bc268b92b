// Pressing debug keys and keeping what each one prints. One key at a time: Xen holds a single
// pending key, so a second key sent before the first one's output has gone quiet replaces it.
// Every capture is bracketed by markers in the session stream, so recordings can be re-cut later.

import { XenkeysError } from '../core/errors.js';
import { parseHandlers } from '../parse/handlers.js';
import { waitForQuiet, type QuietResult } from './quiet.js';
import { switchTo, type SwitchOptions } from './switcher.js';
import { LOSS_CODES } from './lost.js';
import type { XenConsole } from './xen-console.js';

/**
 * `dropped`: the line went down during the key and came back (the key is pressed again once).
 * `ring-wrapped`: in-band only (src/inband): Xen's console ring lost the start of the output.
 */
export type CaptureEndReason = QuietResult | 'interrupted' | 'transport-lost' | 'dropped' | 'ring-wrapped';

/** A key's text kept in memory at most (a 600 MB `d` stays in session.raw, by byte range). */
export const MAX_CAPTURE_TEXT = 8 * 1024 * 1024;

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
  /** Present when the text stops at MAX_CAPTURE_TEXT characters; the whole output is session.raw[rawStart, rawEnd). */
  textTruncated?: true;
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
  const texts: string[] = [];
  let kept = 0;
  let lineCount = 0;
  let firstOutput: number | null = null;
  await console.whenConnected(options.signal);
  const drops = console.drops;
  const rawStart = console.bytesReceived;
  const subs = [
    console.onLine((line) => {
      lineCount++;
      // Past the cap only count: the bytes are in session.raw, and memory stays bounded.
      if (kept >= MAX_CAPTURE_TEXT) return;
      texts.push(line.text);
      kept += line.text.length + 1;
    }),
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
    if (console.drops !== drops) endReason = 'dropped';
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
    lines: lineCount,
    text: texts.join('\n'),
    ...(lineCount > texts.length ? { textTruncated: true as const } : {}),
    endReason,
  };
  console.mark({ type: 'key-end', key, lines: capture.lines, bytes: capture.bytes, reason: endReason });
  if (key === 'h' && endReason === 'quiet') console.catalog.learn(parseHandlers(texts));
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
    let capture = await captureKey(console, key, options);
    if (capture.endReason === 'dropped') {
      // The line dropped mid-key: keep the part, and press the key once more on the line that came back.
      captures.push(capture);
      hooks.onKeyDone?.(capture, index, keys.length);
      hooks.onWarning?.(`the line dropped during key '${key}': pressing it again once`);
      capture = await captureKey(console, key, options);
    }
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
