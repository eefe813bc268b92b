// Which recording `xenkeys demo` simulates: a file or folder the user names, or one of the bundled
// recordings by name (`--recording xen-4.17-guests`: nine guests and dom0 under load). A recording
// chosen by the user drives the keys too, unless --keys says otherwise: the simulator can only answer
// keys the recording captured.

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';
import { dangerFromLetter } from '../console/debug-keys.js';
import type { SimScript } from '../sim/xen-sim.js';
import { bundledRecording } from './paths.js';

export const DEMO_RECORDING = 'xen-4.17-boot-and-keys/session.cast';

/** The bundled recordings' names (folders of recordings/ with a session.cast). */
export function bundledRecordingNames(): string[] {
  const root = bundledRecording('');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, 'session.cast')))
    .sort();
}

/** A path (file, or a capture folder holding session.cast) or a bundled name, to a cast file. */
export function resolveDemoRecording(given: string | undefined): string {
  if (given === undefined) return bundledRecording(DEMO_RECORDING);
  if (existsSync(given)) {
    return statSync(given).isDirectory() ? path.join(given, 'session.cast') : given;
  }
  if (/^[\w.-]+$/.test(given) && bundledRecordingNames().includes(given)) {
    return bundledRecording(path.join(given, 'session.cast'));
  }
  throw new XenkeysError('usage', `no recording called ${given}`, {
    hint: `Give a session.cast (or its folder), or a bundled recording: ${bundledRecordingNames().join(', ')}.`,
  });
}

/** The keys a recording can answer, in the order it captured them (`h` first), dangerous ones left out. */
export function recordedKeys(script: SimScript): string {
  const keys = [...script.keys.keys()].filter((k) => dangerFromLetter(k) === null);
  return ['h', ...keys.filter((k) => k !== 'h')].join('');
}
