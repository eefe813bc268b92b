// `--inventory FILE`: the consoles one watcher holds, in the config file's format (docs/targets.md:
// `targets:` mapping names to connection settings). This module checks a parsed file is an
// inventory a watcher can run, and picks a shard of it; reading and parsing the YAML is the
// CLI's (cli/inventory-file.ts, with config.ts's parser), so this stays free of I/O.

import { XenkeysError } from '../core/errors.js';
import { inShard, type Shard } from './shard.js';

/** One target as config.ts parses it (structurally its TargetConfig). */
export interface InventoryTarget {
  name: string;
  line: number;
  values: ReadonlyMap<string, { value: unknown; line: number }>;
}

export interface Inventory {
  file: string;
  /** In file order. */
  targets: InventoryTarget[];
}

/** The keys that name a console: a target needs exactly one. */
export const MEDIUM_KEYS = ['serial', 'tcp', 'telnet', 'conserver', 'spawn', 'ipmi', 'ssh'] as const;

/**
 * An inventory from a parsed config file (undefined: the file does not exist). Every target must
 * name one console, since a watcher has nothing to fall back on.
 */
export function inventoryFrom(
  config: { file: string; targets: ReadonlyMap<string, InventoryTarget> } | undefined,
  file: string,
): Inventory {
  if (!config) {
    throw new XenkeysError('usage', `no inventory at ${file}`, {
      hint: 'An inventory is a config file (docs/targets.md): `targets:` mapping each console name to its connection.',
    });
  }
  const targets = [...config.targets.values()];
  if (targets.length === 0) {
    throw new XenkeysError('usage', `${file}: the inventory names no targets`, {
      hint: 'Add consoles under `targets:` (docs/targets.md).',
    });
  }
  for (const target of targets) {
    const media = MEDIUM_KEYS.filter((key) => target.values.has(key));
    if (media.length !== 1) {
      throw new XenkeysError(
        'usage',
        `${file}:${target.line}: target ${target.name} ${media.length === 0 ? 'names no console' : `names ${media.length} consoles (${media.join(', ')})`}`,
        { hint: `Give each target exactly one of: ${MEDIUM_KEYS.join(', ')}.` },
      );
    }
  }
  return { file, targets };
}

/** This process's share of the inventory; an empty share is an error (a runner misconfigured?). */
export function shardOfInventory(inventory: Inventory, shard: Shard): Inventory {
  const targets = inShard(inventory.targets, shard, (t) => t.name);
  if (targets.length === 0) {
    throw new XenkeysError(
      'usage',
      `--shard ${shard.index}/${shard.count}: none of the ${inventory.targets.length} targets in ${inventory.file} falls in this shard`,
      { hint: 'Use fewer shards than targets; with a small inventory, some shards are empty by chance.' },
    );
  }
  return { file: inventory.file, targets };
}
