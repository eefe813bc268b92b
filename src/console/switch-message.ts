// Xen's switch messages and boot banner as text, and the switch byte for a conswitch letter.
// Text alone never moves the input target: input-target.ts decides what a message is worth.
// Source: xen/drivers/char/console.c (switch_serial_input / console_switch_input, console_init_preirq).

/** 'unknown' when not verified; 'dom<N>' as Xen names domains in its messages. */
export type InputTarget = 'unknown' | 'xen' | `dom${number}`;
export type KnownTarget = Exclude<InputTarget, 'unknown'>;

export interface SwitchMessage {
  target: KnownTarget;
  /**
   * The configured switch letter as Xen prints it ('a' for CTRL-a); null when the line ends right
   * after the target (switching disabled, if this is the end-of-boot hand-over: the hint is a printk
   * of its own, so dom0's output can also end the line there); '' when other text cut the hint off
   * (dom0's output landed in the middle of Xen's line), which says nothing about switching.
   */
  switchChar: string | null;
  /** 'to' since 4.12 (rotation Xen → DOM0 → … → Xen); 'arrow' up to 4.11 (toggle Xen ↔ DOM0). */
  style: 'to' | 'arrow';
}

// Matches anywhere in a line: the busybox prompt is often still on the line when Xen speaks.
const SWITCH_RE =
  /\*\*\* Serial input (to|->) (Xen|DOM(\d+))(?: \(type 'CTRL-(.)' three times to switch input)?/;

export function parseSwitchMessage(text: string): SwitchMessage | null {
  const m = SWITCH_RE.exec(text);
  if (!m) return null;
  const target = m[2] === 'Xen' ? 'xen' : (`dom${Number(m[3])}` as const);
  const rest = text.slice(m.index + m[0].length);
  const switchChar = m[4] ?? (rest.trim() === '' ? null : '');
  return { target, switchChar, style: m[1] === 'to' ? 'to' : 'arrow' };
}

// Xen's first boot line (console_init_preirq): after it, Xen itself hands input over once.
const BOOT_RE = /^\(XEN\) (?:\[[^\]]*\] )?Xen version \d+\.\d+/;

export function isBootBanner(text: string): boolean {
  return BOOT_RE.test(text);
}

/** The control byte for a conswitch letter: 'a' → 0x01 (Xen: opt_conswitch[0] - 'a' + 1). */
export function switchCodeFor(letter: string): number {
  const code = letter.charCodeAt(0) - 0x61 + 1;
  if (letter.length !== 1 || code < 1 || code > 26) {
    throw new RangeError(`conswitch letter must be a-z, got ${JSON.stringify(letter)}`);
  }
  return code;
}

/** How Xen's own status reads: "XEN", "DOM0", "?" (the TUI shows `input: XEN`). */
export function targetLabel(target: InputTarget): string {
  if (target === 'unknown') return '?';
  return target.toUpperCase();
}
