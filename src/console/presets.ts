// Named key lists. `post-mortem` is what an engineer wants from a hung host before rebooting it:
// every safe view of domains, CPUs, scheduling, memory, interrupts and timers.

import { dangerFromLetter, type KeyCatalog } from './debug-keys.js';

export const PRESETS: Readonly<Record<string, { keys: string; description: string }>> = {
  'post-mortem': {
    keys: 'hqrd0mHuaeitMQ',
    description:
      'domains, run queues, all CPUs, dom0, memory, NUMA, timers, event channels, IRQs, clocks, MSI, PCI',
  },
  quick: { keys: 'qrd', description: 'domains, run queues, registers' },
  'stuck-cpu': { keys: 'rdrd', description: 'run queues and registers twice, to see what did not move' },
  'all-safe': { keys: '', description: "every key in the host's own 'h' list that is not dangerous" },
};

/** Expand `--keys` text: a preset name, or one key per character. */
export function expandKeys(spec: string, catalog?: KeyCatalog): string[] {
  const preset = PRESETS[spec];
  if (!preset) return [...spec];
  if (spec === 'all-safe') return allSafeKeys(catalog);
  return [...preset.keys];
}

/** The target's safe keys (the built-in table until its own list is known), `h` first. */
export function allSafeKeys(catalog?: KeyCatalog): string[] {
  const keys = (catalog?.list() ?? [])
    .map((h) => h.key)
    .filter((k) => (catalog ? catalog.danger(k) : dangerFromLetter(k)) === null);
  return ['h', ...keys.filter((k) => k !== 'h')];
}
