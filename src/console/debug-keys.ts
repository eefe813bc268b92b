// Xen's debug keys: the built-in table (Xen 4.17 on x86, used until the target's own `h` list is
// seen) and the danger rules. Danger can only be added, never removed: every letter that is
// dangerous in any Xen version stays dangerous whatever a host's `h` list says (that list is
// console text, and dom0 can print a convincing one), and a description in the list can add danger.
// Letters moved: older Xen bound `n` to "trigger an NMI", 4.17 binds `N`; both stay dangerous.
// Source: xen/common/keyhandler.c and the register_keyhandler() callers (see shared reference §3).

import type { Handler } from '../parse/handlers.js';

export type Danger = 'destructive' | 'state-changing' | null;

export const BUILTIN_HANDLERS: readonly Handler[] = [
  { key: '%', description: 'trap to xendbg' },
  { key: '*', description: 'print all diagnostics' },
  { key: '+', description: 'increase log level threshold' },
  { key: '-', description: 'decrease log level threshold' },
  { key: '0', description: 'dump Dom0 registers' },
  { key: 'A', description: 'toggle alternative key handling' },
  { key: 'C', description: 'trigger a crashdump' },
  { key: 'G', description: 'toggle host/guest log level adjustment' },
  { key: 'H', description: 'dump heap info' },
  { key: 'I', description: 'dump HVM irq info' },
  { key: 'M', description: 'dump MSI state' },
  { key: 'N', description: 'trigger an NMI' },
  { key: 'Q', description: 'dump PCI devices' },
  { key: 'R', description: 'reboot machine' },
  { key: 'a', description: 'dump timer queues' },
  { key: 'c', description: 'dump ACPI Cx structures' },
  { key: 'd', description: 'dump registers' },
  { key: 'e', description: 'dump evtchn info' },
  { key: 'g', description: 'print grant table usage' },
  { key: 'h', description: 'show this message' },
  { key: 'i', description: 'dump interrupt bindings' },
  { key: 'm', description: 'memory info' },
  { key: 'n', description: 'NMI statistics' },
  { key: 'q', description: 'dump domain (and guest debug) info' },
  { key: 'r', description: 'dump run queues' },
  { key: 's', description: 'dump softtsc stats' },
  { key: 't', description: 'display multi-cpu clock info' },
  { key: 'u', description: 'dump NUMA info' },
  { key: 'v', description: 'dump AMD-V VMCBs' },
  { key: 'w', description: 'synchronously dump console ring buffer (dmesg)' },
  { key: 'x', description: 'print livepatch info' },
  { key: 'z', description: 'dump IOAPIC info' },
];

const DESTRUCTIVE = [
  /reboot/i,
  /crash ?dump/i,
  /xendbg|debugger/i,
  /trigger an nmi/i,
  /print all diagnostics/i,
];
const STATE_CHANGING = [
  /(increase|decrease) log level/i,
  /\btoggle\b/i,
  /^reset\b/i,
  /\breset .*(counters|profile|pagetables)/i,
];

/** Danger from a description, as the target's `h` list words it. */
export function dangerFromDescription(description: string): Danger {
  if (DESTRUCTIVE.some((re) => re.test(description))) return 'destructive';
  if (STATE_CHANGING.some((re) => re.test(description))) return 'state-changing';
  return null;
}

// The union over Xen versions (shared reference §3.3). `n` is listed because its meaning depends on the version.
const DESTRUCTIVE_LETTERS = new Set(['R', 'C', '%', 'N', 'n', '*']);
const STATE_CHANGING_LETTERS = new Set(['+', '-', 'G', 'A', 'T', 'O', 'S', 'P', 'L']);

export function dangerFromLetter(key: string): Danger {
  if (DESTRUCTIVE_LETTERS.has(key)) return 'destructive';
  if (STATE_CHANGING_LETTERS.has(key)) return 'state-changing';
  return null;
}

/**
 * The debug keys of one target: its own `h` list once seen, the built-in table until then.
 * `known` says whether the list came from the target.
 */
export class KeyCatalog {
  private handlers: Map<string, string>;
  private fromTarget = false;

  constructor(handlers: readonly Handler[] = BUILTIN_HANDLERS) {
    this.handlers = new Map(handlers.map((h) => [h.key, h.description]));
  }

  /** Adopt the target's own list (from its `h` output). */
  learn(handlers: readonly Handler[]): void {
    if (handlers.length === 0) return;
    this.handlers = new Map(handlers.map((h) => [h.key, h.description]));
    this.fromTarget = true;
  }

  get known(): boolean {
    return this.fromTarget;
  }

  list(): Handler[] {
    return [...this.handlers].map(([key, description]) => ({ key, description }));
  }

  describe(key: string): string | null {
    return this.handlers.get(key) ?? null;
  }

  /** Is the key in the target's list? Null when the list is not known yet. */
  has(key: string): boolean | null {
    return this.fromTarget ? this.handlers.has(key) : null;
  }

  danger(key: string): Danger {
    const byLetter = dangerFromLetter(key);
    if (byLetter === 'destructive') return byLetter;
    const description = this.handlers.get(key);
    const byDescription = description === undefined ? null : dangerFromDescription(description);
    return byDescription ?? byLetter;
  }
}
