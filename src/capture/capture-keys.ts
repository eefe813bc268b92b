// Which keys a capture presses, in what order, and pressing them: the host's own `h` list first
// (it decides which keys exist and which are dangerous), then the rest one at a time.

import { XenkeysError } from '../core/errors.js';
import { dangerFromLetter } from '../console/debug-keys.js';
import { captureKeys, dangerousKeyError, type KeyCapture } from '../console/key-runner.js';
import { isXenKeyInSomeVersion, XEN_KEYS_ANY_VERSION } from '../console/known-keys.js';
import { allSafeKeys, expandKeys, PRESETS } from '../console/presets.js';
import type { XenConsole } from '../console/xen-console.js';
import type { CaptureOptions } from './capture-options.js';
import type { Progress } from './progress.js';

export interface PressContext {
  confirmTimeoutMs: number;
  signal?: AbortSignal;
  progress: Progress;
  warn: (message: string) => void;
  onCapture: (capture: KeyCapture) => void;
}

export async function pressKeys(
  console: XenConsole,
  planned: string[],
  options: CaptureOptions,
  ctx: PressContext,
): Promise<void> {
  const { progress } = ctx;
  // The host's own key list first: it decides which keys exist and which are dangerous.
  const discover = options.discover || options.keys === 'all-safe' || planned[0] === 'h';
  let rest = planned.slice(planned[0] === 'h' ? 1 : 0);
  let done = 0;
  const total = (): number => (discover ? 1 : 0) + rest.length;
  const run = (list: string[]): Promise<KeyCapture[]> =>
    captureKeys(
      console,
      list,
      {
        confirmTimeoutMs: ctx.confirmTimeoutMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        timing: options.timing,
        allowDangerous: options.allowDangerous,
      },
      {
        onKeyStart: (key) =>
          progress.step(
            `key ${key} (${done + 1}/${options.keys === 'all-safe' && done === 0 ? '?' : total()}) ${console.catalog.describe(key) ?? ''}`,
          ),
        onKeyDone: (c) => {
          done++;
          ctx.onCapture(c);
          progress.succeed(`key ${c.key}: ${c.lines} lines, ${c.bytes} bytes (${c.endReason})`);
        },
        onWarning: ctx.warn,
      },
    );
  if (discover) await run(['h']);
  if (options.keys === 'all-safe') rest = allSafeKeys(console.catalog).filter((k) => k !== 'h');
  // Keys this host does not have (its own `h` list says so) are skipped, not pressed into silence.
  const missing = [...new Set(rest.filter((k) => console.catalog.has(k) === false))];
  if (missing.length > 0) {
    ctx.warn(`skipped key(s) ${missing.map((k) => `'${k}'`).join(', ')}: not in this host's 'h' list`);
    rest = rest.filter((k) => !missing.includes(k));
  }
  if (!options.allowDangerous) {
    for (const key of rest) {
      const danger = console.catalog.danger(key);
      if (danger) throw dangerousKeyError(key, danger, console.catalog.describe(key));
    }
  }
  if (!ctx.signal?.aborted) await run(rest);
}

export function planKeys(spec: string): string[] {
  if (spec === '' || spec === 'none') return [];
  // A misspelt preset would otherwise be pressed letter by letter.
  if (/^[a-z]+[-_][a-z-]+$/.test(spec) && !(spec in PRESETS)) {
    throw new XenkeysError('usage', `no preset called ${spec}`, {
      hint: `Presets: ${Object.keys(PRESETS).join(', ')}; or give keys, e.g. --keys qrd.`,
    });
  }
  const keys = expandKeys(spec);
  for (const key of keys) {
    const code = key.charCodeAt(0);
    if (code < 0x21 || code > 0x7e)
      throw new XenkeysError('usage', `${JSON.stringify(key)} is not a debug key`, {
        hint: 'Debug keys are printable ASCII characters, e.g. --keys hqrd.',
      });
  }
  // Pressing a key no Xen has would only wait --first-output-timeout for nothing.
  const unknown = [...new Set(keys.filter((k) => !isXenKeyInSomeVersion(k)))];
  if (unknown.length > 0) {
    const which = unknown.map((k) => `'${k}'`).join(', ');
    throw new XenkeysError('usage', `no Xen version has a debug key ${which}`, {
      hint: `Keys Xen knows (depending on version and build): ${[...XEN_KEYS_ANY_VERSION].join('')}; press h on the console for the host's own list.`,
    });
  }
  return keys;
}

/** Refuse, before touching the host, keys dangerous in some Xen version (no host list can clear them). */
export function refuseUnambiguouslyDangerous(keys: readonly string[]): void {
  for (const key of keys) {
    const danger = dangerFromLetter(key);
    if (danger) throw dangerousKeyError(key, danger, null);
  }
}
