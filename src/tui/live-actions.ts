// What the live console's menus do: switch input in one confirmed action, press a debug key from
// the host's own list (dangerous ones only after an explicit yes), run a preset with progress, and
// BREAK / dom0 SysRq. Every capture returns input to where it was before the menu was opened.

import { captureKeys, type KeyCapture, type KeyTiming } from '../console/key-runner.js';
import { targetLabel, type InputTarget } from '../console/input-target.js';
import { keysAfterH, pressesH, runKeyPlan } from '../console/key-plan.js';
import { expandKeys, PRESETS } from '../console/presets.js';
import { switchTo } from '../console/switcher.js';
import type { XenConsole } from '../console/xen-console.js';
import { confirm, menu, type MenuItem, type Tone } from './overlay-model.js';
import { capturesView, type ReportViewBuilder } from './report-view.js';
import type { SegmentStyle } from './status-line.js';
import type { TuiShell } from './tui-shell.js';

/** What the actions need from the live session. */
export interface LiveContext {
  readonly console: XenConsole;
  readonly shell: TuiShell;
  readonly timing: KeyTiming;
  readonly confirmTimeoutMs: number;
  readonly reportView: ReportViewBuilder;
  readonly quitting: boolean;
  /** Run one long action at a time, with a status label and a cancel signal. */
  busy(
    label: string,
    action: (signal: AbortSignal, setLabel: (label: string) => void) => Promise<void>,
  ): void;
  flash(text: string, style?: SegmentStyle): void;
  captured(capture: KeyCapture): void;
}

export function switchInput(ctx: LiveContext): void {
  const { console } = ctx;
  const here = console.input.target;
  const found = console.input.found;
  const want = here === 'xen' ? (found !== 'unknown' && found !== 'xen' ? found : 'dom0') : 'xen';
  ctx.busy(`switching input to ${targetLabel(want)}`, async (signal) => {
    await switchTo(console, want, { confirmTimeoutMs: ctx.confirmTimeoutMs, signal });
    ctx.flash(`Xen says: input to ${targetLabel(console.input.target)}`);
  });
}

export async function keyMenu(ctx: LiveContext): Promise<void> {
  const catalog = ctx.console.catalog;
  const items: MenuItem<string>[] = catalog
    .list()
    .sort((a, b) => a.key.charCodeAt(0) - b.key.charCodeAt(0)) // ASCII order, as Xen lists them
    .map((h) => {
      const danger = catalog.danger(h.key);
      const tone: Tone = danger === 'destructive' ? 'danger' : danger ? 'warn' : 'normal';
      return {
        hotkey: h.key,
        label: h.description,
        ...(danger ? { detail: `(${danger})` } : {}),
        tone,
        value: h.key,
      };
    });
  const note = catalog.known
    ? "this host's own 'h' list"
    : "built-in Xen 4.17 table until this host's 'h' list is seen (press h)";
  const key = await ctx.shell.overlays.choose(menu('debug keys', items, note));
  if (key === null) return;
  const danger = catalog.danger(key);
  if (danger && !(await confirmDangerous(ctx, key))) return;
  ctx.busy(`capturing ${key}`, (signal, setLabel) =>
    captureThereAndBack(ctx, [key], Boolean(danger), signal, setLabel),
  );
}

/** The explicit yes/no before a dangerous key; says what was (not) done. */
export async function confirmDangerous(ctx: LiveContext, key: string): Promise<boolean> {
  const catalog = ctx.console.catalog;
  const danger = catalog.danger(key);
  const description = catalog.describe(key) ?? 'no description in the host list';
  const yes = await ctx.shell.overlays.confirm(
    confirm(`'${key}' is ${danger ?? 'dangerous'}`, [
      `'${key}': ${description}`,
      danger === 'state-changing'
        ? "It changes Xen's state (log levels, toggles) until changed back."
        : 'It can reboot, crash or stop the host, or drop into a debugger.',
      'Press it on Xen?',
    ]),
  );
  if (!yes) ctx.flash(`'${key}' not sent`, 'warn');
  return yes;
}

export async function presetMenu(ctx: LiveContext): Promise<void> {
  const items = Object.entries(PRESETS).map(([name, preset], i) => ({
    hotkey: String(i + 1),
    label: name,
    detail: preset.keys ? `${preset.keys} — ${preset.description}` : preset.description,
    value: name,
  }));
  const name = await ctx.shell.overlays.choose(
    menu('capture preset', items, "keys are judged against this host's 'h' list first"),
  );
  if (name === null) return;
  ctx.busy(`preset ${name}`, (signal, setLabel) => {
    // The same plan as `xenkeys capture --keys NAME`: the host's own list first (it says which keys
    // exist and which are dangerous), then the rest, in one trip to Xen and back.
    const plan = {
      planned: name === 'all-safe' ? [] : expandKeys(name),
      discover: !ctx.console.catalog.known,
      allSafe: name === 'all-safe',
      allowDangerous: false,
    };
    const total = (pressesH(plan) ? 1 : 0) + keysAfterH(plan.planned).length;
    const progress = { done: [] as KeyCapture[], total, title: `preset ${name}` };
    return thereAndBack(ctx, () =>
      runKeyPlan(
        plan,
        {
          catalog: ctx.console.catalog,
          press: (keys) => captureList(ctx, keys, false, signal, setLabel, progress),
          warn: (message) => ctx.flash(message, 'warn'),
          signal,
        },
        (rest) => (progress.total = progress.done.length + rest.length),
      ),
    );
  });
}

/** Switch to Xen if needed, capture the keys one by one, then put input back where it was. */
export function captureThereAndBack(
  ctx: LiveContext,
  keys: readonly string[],
  allowDangerous: boolean,
  signal: AbortSignal,
  setLabel: (label: string) => void,
): Promise<void> {
  return thereAndBack(ctx, () => captureList(ctx, keys, allowDangerous, signal, setLabel));
}

/** What a preset shows in the side panel while it runs. */
interface PresetProgress {
  readonly done: KeyCapture[];
  total: number;
  readonly title: string;
}

async function captureList(
  ctx: LiveContext,
  keys: readonly string[],
  allowDangerous: boolean,
  signal: AbortSignal,
  setLabel: (label: string) => void,
  preset?: PresetProgress,
): Promise<void> {
  const { console } = ctx;
  await captureKeys(
    console,
    keys,
    { timing: ctx.timing, confirmTimeoutMs: ctx.confirmTimeoutMs, signal, allowDangerous },
    {
      onKeyStart: (key, i, n) =>
        setLabel(
          `capturing ${key}${n > 1 ? ` (${i + 1}/${n})` : ''}: ${console.catalog.describe(key) ?? ''}`,
        ),
      onKeyDone: (capture) => {
        ctx.captured(capture);
        if (!preset) return;
        preset.done.push(capture);
        const { done, total, title } = preset;
        ctx.shell.setSideView(capturesView(`${title}: ${done.length}/${total} keys`, done, ctx.reportView));
      },
      onWarning: (message) => ctx.flash(message, 'warn'),
    },
  );
}

/** Runs `action` with input at Xen as needed, then puts input back where it was. */
async function thereAndBack(ctx: LiveContext, action: () => Promise<void>): Promise<void> {
  const before = ctx.console.input.target;
  try {
    await action();
  } finally {
    await returnInput(ctx, before);
  }
}

async function returnInput(ctx: LiveContext, before: InputTarget): Promise<void> {
  const { console } = ctx;
  // Where input was when the menu opened; if that was unknown, where Xen's replies say it was.
  const back = before === 'unknown' ? console.input.found : before;
  if (ctx.quitting || back === 'unknown' || console.input.target === back || !console.transport.isOpen)
    return;
  await switchTo(console, back, { confirmTimeoutMs: ctx.confirmTimeoutMs });
}

interface SysRq {
  key: string;
  label: string;
  dangerous?: boolean;
}

// Linux SysRq keys worth having on a hung host (Documentation/admin-guide/sysrq.rst).
const SYSRQ: readonly SysRq[] = [
  { key: 'h', label: 'help (lists the keys)' },
  { key: 'w', label: 'blocked (D state) tasks' },
  { key: 'l', label: 'backtrace of all active CPUs' },
  { key: 't', label: 'all tasks and their stacks' },
  { key: 'm', label: 'memory information' },
  { key: 'q', label: 'armed hrtimers and clock event devices' },
  { key: 's', label: 'sync all mounted filesystems' },
  { key: 'c', label: 'crash the kernel (kdump if configured)', dangerous: true },
  { key: 'b', label: 'reboot at once, no sync or unmount', dangerous: true },
  { key: 'o', label: 'power off', dangerous: true },
  { key: 'e', label: 'SIGTERM every process but init', dangerous: true },
  { key: 'i', label: 'SIGKILL every process but init', dangerous: true },
];

type BreakChoice = { kind: 'sysrq'; sysrq: SysRq } | { kind: 'break' };

export async function breakMenu(ctx: LiveContext): Promise<void> {
  const { console } = ctx;
  const target = console.input.target;
  const atDomain = target.startsWith('dom');
  const items: MenuItem<BreakChoice>[] = [];
  if (atDomain) {
    for (const sysrq of SYSRQ) {
      items.push({
        hotkey: sysrq.key,
        label: `SysRq ${sysrq.key}: ${sysrq.label}`,
        tone: sysrq.dangerous ? 'danger' : 'normal',
        value: { kind: 'sysrq', sysrq },
      });
    }
  }
  if (console.transport.canBreak) {
    items.push({
      hotkey: 'B',
      label: 'send a BREAK on the line',
      detail: '(Xen ignores it)',
      tone: 'dim',
      value: { kind: 'break' },
    });
  }
  const note = atDomain
    ? `${targetLabel(target)}'s hvc console reads Ctrl-O then a key as SysRq. Xen ignores BREAK on its UART.`
    : `Input is at ${targetLabel(target)}: Xen ignores BREAK on its UART, and SysRq needs input at dom0 (Ctrl-] x).`;
  if (items.length === 0)
    return ctx.shell.overlays.showText('BREAK / SysRq', [
      note,
      '',
      `This connection (${console.transport.kind}) has no BREAK either.`,
    ]);
  const choice = await ctx.shell.overlays.choose(menu('BREAK / SysRq', items, note));
  if (choice === null) return;
  if (choice.kind === 'break') {
    try {
      await console.transport.sendBreak();
      console.mark({ type: 'note', text: 'BREAK sent' });
      ctx.flash('BREAK sent (Xen itself ignores BREAK on its UART)');
    } catch (error) {
      ctx.flash(`BREAK failed: ${(error as Error).message}`, 'alert');
    }
    return;
  }
  const { sysrq } = choice;
  if (sysrq.dangerous) {
    const yes = await ctx.shell.overlays.confirm(
      confirm(`SysRq ${sysrq.key}`, [
        `SysRq ${sysrq.key}: ${sysrq.label}`,
        `Send it to ${targetLabel(target)}?`,
      ]),
    );
    if (!yes) return ctx.flash(`SysRq ${sysrq.key} not sent`, 'warn');
  }
  // ^O and the key in one write: the hvc driver pairs them within 5 s.
  console.mark({ type: 'note', text: `SysRq ${sysrq.key} via hvc Ctrl-O` });
  await console.send(Uint8Array.of(0x0f, sysrq.key.charCodeAt(0)), 'keyboard');
  ctx.flash(`SysRq ${sysrq.key} sent to ${targetLabel(target)}`);
}

/** An error as one status-line message, with its hint when it has one. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as { hint?: string }).hint;
    return hint ? `${error.message} — ${hint}` : error.message;
  }
  return String(error);
}
