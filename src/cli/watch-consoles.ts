// Which consoles a `watch` process holds: named targets, an --inventory (and this process's
// --shard of it), or one console given by its flags; each folder named after its target.

import type { Command } from 'commander';
import { systemClock } from '../core/clock.js';
import { XenkeysError } from '../core/errors.js';
import { BUILTIN_TRIGGERS } from '../watch/triggers.js';
import type { ConsoleSpec } from '../watch/watched-console.js';
import { parseShard } from '../watch/shard.js';
import { loadInventory } from './inventory-file.js';
import { createTransport, withTarget, type TransportFlags } from './transport-options.js';

const MEDIA = ['serial', 'tcp', 'telnet', 'conserver', 'spawn', 'ipmi', 'ssh'] as const;

export interface ConsoleFlags extends TransportFlags {
  name?: string;
  conswitch: string;
  inventory?: string;
  shard?: string;
}

export function consoleSpecs(targets: string[], flags: ConsoleFlags, command: Command): ConsoleSpec[] {
  const medium = MEDIA.find((m) => flags[m] !== undefined);
  const sources = [
    targets.length > 0 && 'named targets',
    flags.inventory && '--inventory',
    medium && `--${medium}`,
  ];
  const given = sources.filter(Boolean);
  if (given.length > 1)
    throw new XenkeysError(
      'usage',
      `give named targets, --inventory or one console's flags, not ${given.join(' and ')}`,
      {
        hint: 'Put every console in the config file or an inventory (docs/targets.md) and name them all.',
      },
    );
  if (flags.shard && !flags.inventory)
    throw new XenkeysError('usage', '--shard picks a share of an --inventory', {
      hint: 'Add --inventory FILE.',
    });
  let specs: ConsoleSpec[];
  if (flags.inventory) {
    const { config, inventory } = loadInventory(
      flags.inventory,
      flags.shard ? parseShard(flags.shard) : undefined,
    );
    specs = inventory.targets.map((t) => named(t.name, withTarget(flags, t.name, command, config)));
  } else if (targets.length > 0) {
    specs = targets.map((name) => named(name, withTarget(flags, name, command)));
  } else {
    const address = medium ? String(flags[medium]) : '';
    specs = [named(flags.name ?? `${medium ?? 'console'}-${address}`, flags)];
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name))
      throw new XenkeysError('usage', `two consoles would share the folder ${s.name}`, {
        hint: 'Name each target once.',
      });
    seen.add(s.name);
  }
  return specs;
}

function named(name: string, flags: ConsoleFlags): ConsoleSpec {
  return {
    name: folderName(name),
    makeTransport: () => createTransport(flags, systemClock),
    conswitch: flags.conswitch,
  };
}

/** A folder name from a target name or address: letters, digits, `.`, `_`, `-` only. */
export function folderName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  if (safe === '')
    throw new XenkeysError('usage', `cannot make a folder name from ${JSON.stringify(name)}`, {
      hint: 'Use --name.',
    });
  return safe.slice(0, 100);
}

/** --triggers: `all`, `none`, or built-in names separated by commas. */
export function builtinTriggers(list: string): Set<string> {
  if (list === 'all') return new Set(BUILTIN_TRIGGERS);
  if (list === 'none') return new Set();
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(BUILTIN_TRIGGERS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new XenkeysError('usage', `no built-in trigger called ${unknown.join(', ')}`, {
      hint: `Triggers: ${BUILTIN_TRIGGERS.join(', ')}; or all, or none.`,
    });
  return new Set(names);
}
