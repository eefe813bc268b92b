// Reads `--inventory FILE` (a config file: docs/targets.md) and takes `--shard i/n` of it, for the
// watch command. Each target's flags then come from resolveTarget(name, { config: loaded.config }).

import { loadConfig, type XenkeysConfig } from './config.js';
import { inventoryFrom, shardOfInventory, type Inventory } from '../watch/inventory.js';
import type { Shard } from '../watch/shard.js';

export interface LoadedInventory {
  /** The whole file, parsed (to resolve each target's flags without reading it again). */
  config: XenkeysConfig;
  /** This shard's targets (all of them without a shard). */
  inventory: Inventory;
}

export function loadInventory(file: string, shard?: Shard): LoadedInventory {
  const config = loadConfig(file);
  const all = inventoryFrom(config, file);
  return { config: config!, inventory: shard ? shardOfInventory(all, shard) : all };
}
