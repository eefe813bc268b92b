// dom0's own kernel panic as a report event, so report.json's `events` holds every alarm the Markdown
// and HTML show: type `dom0-crash` (the contract's word for dom0 going down), the kernel's panic line as
// its message and the kernel's call trace. Linux prints no addresses in its traces (only
// `symbol+off/len`), so each entry's address is the empty string and its symbol the function.

import type { Dom0Info } from '../parse/dom0-virt.js';
import type { XenEvent } from '../parse/events.js';

export const DOM0_PANIC_PREFIX = 'Kernel panic - not syncing: ';

export function dom0PanicEvent(dom0: Dom0Info): XenEvent | null {
  const panic = dom0.panic;
  if (!panic) return null;
  return {
    type: 'dom0-crash',
    cpu: null,
    message: `${DOM0_PANIC_PREFIX}${panic.message}`,
    target: null,
    callTrace: panic.callTrace.map((symbol) => ({ address: '', symbol })),
    line: panic.line,
    time: null,
    replayed: false,
    detail: {},
  };
}

/** The events with dom0's kernel panic among them, in input order (both count the same lines). */
export function withDom0Panic(events: readonly XenEvent[], dom0: Dom0Info): XenEvent[] {
  const panic = dom0PanicEvent(dom0);
  if (!panic) return [...events];
  const at = events.findIndex((e) => e.line > panic.line);
  return at < 0 ? [...events, panic] : [...events.slice(0, at), panic, ...events.slice(at)];
}

/** A dom0-crash event that is the kernel's own panic line (not Xen's "Hardware Dom0 crashed"). */
export function isDom0KernelPanic(e: { type: string; message: string }): boolean {
  return e.type === 'dom0-crash' && e.message.startsWith(DOM0_PANIC_PREFIX);
}
