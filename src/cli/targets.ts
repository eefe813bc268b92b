// Named targets from the config file (`xenkeys capture db07`). Filled in by issue 3; until then a
// target name is refused clearly.

import { XenkeysError } from '../core/errors.js';

/** Connection flags stored for a name; merged under the command line's own flags. */
export type TargetFlags = Record<string, unknown>;

export function resolveTarget(name: string): TargetFlags {
  throw new XenkeysError('usage', `no target called ${name}`, {
    hint: 'Give the console with --serial, --tcp or --spawn.',
  });
}
