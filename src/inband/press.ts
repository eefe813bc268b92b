// Pressing debug keys in-band: for each key, clear Xen's console ring (`xl dmesg -c`), press it
// (`xl debug-keys K`, which runs the handler synchronously in the hypercall) and read the ring back
// (`xl dmesg`). One key at a time; the ring read back is the key's capture, checked for a wrap.
// The same refusals as serial capture: the danger rules of console/debug-keys.ts.

import { KeyCatalog } from '../console/debug-keys.js';
import { dangerousKeyError, MAX_CAPTURE_TEXT, type KeyCapture } from '../console/key-runner.js';
import { runKeyPlan } from '../console/key-plan.js';
import { parseHandlers } from '../parse/handlers.js';
import type { Dom0Shell, FramedOutput } from './dom0-shell.js';
import { checkRing, ringKiBFrom, wrappedAdvice, type RingCheck } from './ring-check.js';
import { xlError } from './shell-checks.js';

export interface InbandPressOptions {
  /** Per command: a huge key's read-back over a slow line takes long. */
  timeoutMs: number;
  allowDangerous: boolean;
  signal?: AbortSignal;
}

export interface InbandHooks {
  onKeyStart?: (key: string, description: string | null) => void;
  onCapture?: (capture: KeyCapture, check: RingCheck) => void;
  warn?: (message: string) => void;
}

export class InbandKeys {
  readonly catalog = new KeyCatalog();
  /** The console ring's size, from the boot log in the first read-back, when it is still there. */
  ringKiB: number | null = null;

  constructor(
    private readonly shell: Dom0Shell,
    private readonly options: InbandPressOptions,
    private readonly hooks: InbandHooks = {},
  ) {}

  /**
   * Reads the ring once as found (the boot log, often: platform facts for the report, and the ring
   * size) before the first `xl dmesg -c` empties it. Recorded outside every key.
   */
  async readRingAsFound(): Promise<void> {
    this.shell.mark({ type: 'note', text: 'in-band: the console ring as found (xl dmesg)' });
    const out = await this.run('xl dmesg');
    this.ringKiB = ringKiBFrom(out.lines);
  }

  /** Presses `planned` by the shared key plan (the host's own `h` list first when `discover`). */
  async pressAll(planned: readonly string[], discover: boolean, allSafe: boolean): Promise<KeyCapture[]> {
    const captures: KeyCapture[] = [];
    const press = async (keys: string[]): Promise<void> => {
      for (const key of keys) {
        if (this.options.signal?.aborted) break;
        const capture = await this.press(key);
        captures.push(capture);
        if (key === 'h' && capture.endReason === 'quiet')
          this.catalog.learn(parseHandlers(capture.text.split('\n')));
      }
    };
    const plan = { planned, discover, allSafe, allowDangerous: this.options.allowDangerous };
    await runKeyPlan(plan, {
      catalog: this.catalog,
      press,
      warn: (message) => this.hooks.warn?.(message),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
    return captures;
  }

  /** One key: clear, press, read back. */
  async press(key: string): Promise<KeyCapture> {
    if (!this.options.allowDangerous) this.refuseIfDangerous(key);
    const description = this.catalog.describe(key);
    this.hooks.onKeyStart?.(key, description);
    this.shell.mark({ type: 'note', text: `in-band: xl debug-keys ${key}` });
    await this.run(`xl dmesg -c >/dev/null&&xl debug-keys '${key}'`);
    let check: RingCheck = { verdict: 'empty', before: 0 };
    let capture: KeyCapture | null = null;
    await this.run('xl dmesg', {
      onBegin: () => this.shell.mark({ type: 'key-start', key, description }),
      onEnd: (out) => {
        const bytes = out.rawEnd - out.rawStart;
        check = checkRing(key, out.lines, bytes, this.ringKiB === null ? null : this.ringKiB * 1024);
        capture = toCapture(key, description, out, check);
        this.shell.mark({ type: 'key-end', key, lines: out.lineCount, bytes, reason: capture.endReason });
      },
    });
    const done = capture as KeyCapture | null;
    if (!done) throw new Error('xl dmesg ended without its output');
    if (check.verdict === 'wrapped') this.hooks.warn?.(wrappedAdvice(key, done.bytes, this.ringKiB));
    if (check.verdict === 'unverified')
      this.hooks.warn?.(`key '${key}' prints no first line to check: a wrapped ring would go unnoticed`);
    this.hooks.onCapture?.(done, check);
    return done;
  }

  private refuseIfDangerous(key: string): void {
    const danger = this.catalog.danger(key);
    if (danger) throw dangerousKeyError(key, danger, this.catalog.describe(key));
  }

  private async run(
    command: string,
    hooks: { onBegin?: () => void; onEnd?: (o: FramedOutput) => void } = {},
  ): Promise<FramedOutput> {
    const out = await this.shell.run(command, {
      timeoutMs: this.options.timeoutMs,
      maxTextChars: MAX_CAPTURE_TEXT,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...hooks,
    });
    if (out.status !== 0) throw xlError(command, out.status, out.lines);
    return out;
  }
}

function toCapture(key: string, description: string | null, out: FramedOutput, check: RingCheck): KeyCapture {
  const endReason =
    check.verdict === 'wrapped' ? 'ring-wrapped' : check.verdict === 'empty' ? 'no-output' : 'quiet';
  return {
    key,
    description,
    start: out.begin,
    firstOutput: out.firstOutput,
    end: out.end,
    rawStart: out.rawStart,
    rawEnd: out.rawEnd,
    bytes: out.rawEnd - out.rawStart,
    lines: out.lineCount,
    text: out.lines.join('\n'),
    ...(out.truncated ? { textTruncated: true as const } : {}),
    endReason,
  };
}
