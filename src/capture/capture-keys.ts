// Pressing a capture's keys on a serial console, with progress: the plan (console/key-plan.ts)
// decides which and in what order; each list it asks for is captured one key at a time.

import { captureKeys, type KeyCapture } from '../console/key-runner.js';
import { keysAfterH, pressesH, runKeyPlan } from '../console/key-plan.js';
import type { XenConsole } from '../console/xen-console.js';
import type { CaptureOptions } from './capture-options.js';
import type { Progress } from './progress.js';

export interface PressContext {
  confirmTimeoutMs: number;
  signal?: AbortSignal;
  progress: Progress;
  warn: (message: string) => void;
  onCapture: (capture: KeyCapture) => void;
}

export async function pressKeys(
  console: XenConsole,
  planned: string[],
  options: CaptureOptions,
  ctx: PressContext,
): Promise<void> {
  const { progress } = ctx;
  const allSafe = options.keys === 'all-safe';
  const plan = { planned, discover: options.discover, allSafe, allowDangerous: options.allowDangerous };
  const h = pressesH(plan) ? 1 : 0;
  let rest: readonly string[] = keysAfterH(planned);
  let done = 0;
  // Until the host's list is known, all-safe cannot say how many keys it will press.
  const total = (): string => (allSafe && done === 0 ? '?' : String(h + rest.length));
  const press = async (list: string[]): Promise<void> => {
    await captureKeys(
      console,
      list,
      {
        confirmTimeoutMs: ctx.confirmTimeoutMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        timing: options.timing,
        allowDangerous: options.allowDangerous,
      },
      {
        onKeyStart: (key) =>
          progress.step(`key ${key} (${done + 1}/${total()}) ${console.catalog.describe(key) ?? ''}`),
        onKeyDone: (c) => {
          done++;
          ctx.onCapture(c);
          progress.succeed(`key ${c.key}: ${c.lines} lines, ${c.bytes} bytes (${c.endReason})`);
        },
        onWarning: ctx.warn,
      },
    );
  };
  await runKeyPlan(
    plan,
    { catalog: console.catalog, press, warn: ctx.warn, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    (r) => (rest = r),
  );
}
