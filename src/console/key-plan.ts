// Which debug keys a capture presses, and in what order — one plan for serial capture, in-band
// capture, the watcher's incidents and the TUI's presets: the host's own `h` list first (it decides
// which keys exist and which are dangerous), then the rest one at a time, less the keys the host
// lacks, refusing dangerous ones unless allowed.

import { XenkeysError } from '../core/errors.js';
import { dangerFromLetter, type KeyCatalog } from './debug-keys.js';
import { dangerousKeyError } from './key-runner.js';
import { isXenKeyInSomeVersion, XEN_KEYS_ANY_VERSION } from './known-keys.js';
import { allSafeKeys, expandKeys, PRESETS } from './presets.js';

export interface KeyPlan {
  /** The keys asked for, `planKeys`' answer (empty for `all-safe`). */
  planned: readonly string[];
  /** Press `h` first even when not asked (the host's list decides what exists and is dangerous). */
  discover: boolean;
  /** Every safe key in the host's own list, known only after `h`. */
  allSafe: boolean;
  allowDangerous: boolean;
}

/** Whoever presses the keys: serial, in-band or the TUI. */
export interface KeyPresser {
  /** The host's key list: learns from `h` as it is pressed. */
  readonly catalog: KeyCatalog;
  /** Presses these keys one at a time. */
  press(keys: string[]): Promise<void>;
  warn(message: string): void;
  signal?: AbortSignal;
}

/** The keys after the plan's `h`, as far as they are known before `h` is pressed. */
export function keysAfterH(planned: readonly string[]): string[] {
  return planned.slice(planned[0] === 'h' ? 1 : 0);
}

export function pressesH(plan: KeyPlan): boolean {
  return plan.discover || plan.allSafe || plan.planned[0] === 'h';
}

/** Runs the plan; `onRest` hears the keys left once the host's list has judged them. */
export async function runKeyPlan(
  plan: KeyPlan,
  presser: KeyPresser,
  onRest?: (rest: readonly string[]) => void,
): Promise<void> {
  const { catalog } = presser;
  if (pressesH(plan)) await presser.press(['h']);
  let rest = plan.allSafe ? allSafeKeys(catalog).filter((k) => k !== 'h') : keysAfterH(plan.planned);
  // Keys this host does not have (its own `h` list says so) are skipped, not pressed into silence.
  const missing = [...new Set(rest.filter((k) => catalog.has(k) === false))];
  if (missing.length > 0) {
    presser.warn(`skipped key(s) ${missing.map((k) => `'${k}'`).join(', ')}: not in this host's 'h' list`);
    rest = rest.filter((k) => !missing.includes(k));
  }
  if (!plan.allowDangerous) {
    for (const key of rest) {
      const danger = catalog.danger(key);
      if (danger) throw dangerousKeyError(key, danger, catalog.describe(key));
    }
  }
  onRest?.(rest);
  if (!presser.signal?.aborted) await presser.press(rest);
}

/** `--keys` text: a preset name or one key per character, checked before touching the host. */
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
