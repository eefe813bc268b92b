// `xenkeys connect` / `demo` on a terminal: the live console in the shell. Keys go through the
// keymap to console.send (the console's guard decides what reaches the wire), terminal replies go
// as 'terminal-reply', and quitting returns input to where it was found before the screen closes.

import type { KeyCapture, KeyTiming } from '../console/key-runner.js';
import { inputAsFound, restoreInput } from '../console/switcher.js';
import type { XenConsole } from '../console/xen-console.js';
import type { Disposable } from '../core/emitter.js';
import { describeByte, feedKeys, INITIAL_KEYMAP, type KeymapState, type PrefixCommand } from './keymap.js';
import { confirmDangerous, errorText } from './live-actions.js';
import { runCommand, type CommandContext, type SessionRecorder } from './live-commands.js';
import { liveBanner, liveSegments } from './live-status.js';
import { parsedCaptureView } from './parsed-view.js';
import type { ReportViewBuilder } from './report-view.js';
import type { SegmentStyle } from './status-line.js';
import { TuiShell } from './tui-shell.js';

export type { SessionRecorder };

export interface LiveSessionOptions {
  console: XenConsole;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  prefix: number;
  recorder: SessionRecorder;
  timing: KeyTiming;
  confirmTimeoutMs: number;
  /** The console is the simulator: say so in the banner and the status line. */
  simulated?: { source: string };
  reportView?: ReportViewBuilder;
  /** SIGTERM / SIGHUP: quit as with the q binding; `urgent` (a second signal) gives up restoring. */
  signal?: AbortSignal;
  urgent?: AbortSignal;
}

export interface LiveResult {
  restored: boolean;
  error: unknown;
  captures: KeyCapture[];
  renders: number;
  renderRequests: number;
}

export class LiveSession implements CommandContext {
  readonly console: XenConsole;
  readonly shell: TuiShell;
  readonly timing: KeyTiming;
  readonly confirmTimeoutMs: number;
  readonly reportView: ReportViewBuilder;
  readonly prefix: number;
  readonly recorder: SessionRecorder;
  quitting = false;
  private keymap: KeymapState = INITIAL_KEYMAP;
  private armed = false;
  private running: { label: string; abort: AbortController; done: Promise<void> } | null = null;
  private reconnecting: string | null = null;
  private unverified: string | null = null;
  private lost: string | null = null;
  private readonly captures: KeyCapture[] = [];
  private readonly subs: Disposable[] = [];
  private early: Uint8Array[] | null = [];
  private finish: ((result: LiveResult) => void) | null = null;

  /** Subscribes at once (output that arrives before run() is kept for the screen). */
  constructor(private readonly options: LiveSessionOptions) {
    this.console = options.console;
    this.timing = options.timing;
    this.confirmTimeoutMs = options.confirmTimeoutMs;
    this.reportView = options.reportView ?? parsedCaptureView;
    this.prefix = options.prefix;
    this.recorder = options.recorder;
    this.shell = new TuiShell({
      stdin: options.stdin,
      stdout: options.stdout,
      prefix: options.prefix,
      banner: () => liveBanner(this.console, options.prefix, options.simulated),
      segments: () =>
        liveSegments({
          console: this.console,
          prefix: options.prefix,
          simulated: Boolean(options.simulated),
          recording: options.recorder.status(),
          reconnecting: this.reconnecting,
          lost: this.lost !== null,
          running: this.running?.label ?? null,
          armed: this.armed,
        }),
      onKeys: (chunk) => this.onKeys(chunk),
    });
    const c = this.console;
    this.subs.push(
      c.onEvent((event) => {
        if (event.type !== 'output') return;
        if (this.early) this.early.push(event.bytes);
        else void this.shell.output(event.bytes);
      }),
      c.onState((state) => {
        // Say once why input is no longer known, and say it loudly: typing may now reach Xen.
        if (state.unverified !== null && state.unverified !== this.unverified)
          this.flash(`input: ? — ${state.unverified}`, 'alert');
        this.unverified = state.unverified;
        this.shell.refresh();
      }),
      c.onRefusal((r) => this.flash(`held back: ${r.detail}`, 'warn')),
      c.onClose((reason) => {
        this.lost = reason.message;
        this.flash(`connection closed: ${reason.message} (Ctrl-] q quits)`, 'alert');
      }),
      c.transport.onNotice((notice) => {
        if (notice.type === 'reconnecting') {
          // The loss and each attempt show in the pane too, where the eye is (never in the recording).
          if (!this.reconnecting) this.paneNote(`connection lost: ${notice.reason}`);
          this.reconnecting = `reconnecting… (attempt ${notice.attempt})`;
        } else if (notice.type === 'reconnected') {
          this.reconnecting = null;
          this.paneNote('reconnected: input is ? until Xen answers a switch');
          this.flash('reconnected: input target unknown until Xen says', 'warn');
        } else this.flash(notice.message, notice.type === 'warning' ? 'warn' : 'info');
        this.shell.refresh();
      }),
      this.shell.terminal.onReply((data) => void this.send(Buffer.from(data, 'utf8'), 'terminal-reply')),
    );
  }

  /** Take over the terminal until the user quits. */
  run(): Promise<LiveResult> {
    const done = new Promise<LiveResult>((resolve) => (this.finish = resolve));
    this.shell.start();
    for (const bytes of this.early ?? []) void this.shell.output(bytes);
    this.early = null;
    const onSignal = (): void => void this.quit();
    if (this.options.signal?.aborted) onSignal();
    this.options.signal?.addEventListener('abort', onSignal, { once: true });
    return done.finally(() => this.options.signal?.removeEventListener('abort', onSignal));
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.subs.length = 0;
    // Leave the alternate screen now (also when run() never started: a failed connect), so what is
    // printed next — the error — stays on the user's screen instead of being erased with it.
    this.shell.stop();
  }

  busy(
    label: string,
    action: (signal: AbortSignal, setLabel: (label: string) => void) => Promise<void>,
  ): void {
    if (this.running) return this.flash(`busy: ${this.running.label} (Ctrl-] c cancels)`, 'warn');
    const abort = new AbortController();
    const running = { label, abort, done: Promise.resolve() };
    const setLabel = (text: string): void => {
      running.label = text;
      this.shell.refresh();
    };
    running.done = action(abort.signal, setLabel)
      .catch((error: unknown) => {
        if (!abort.signal.aborted) this.flash(errorText(error), 'alert');
      })
      .finally(() => {
        this.running = null;
        this.shell.refresh();
      });
    this.running = running;
    this.shell.refresh();
  }

  flash(text: string, style: SegmentStyle = 'info'): void {
    this.shell.flash(text, style);
  }

  /** A line of xenkeys' own in the console pane, drawn apart from the console's text. */
  private paneNote(text: string): void {
    const note = Buffer.from(`\r\n\x1b[7m xenkeys: ${text} \x1b[0m\r\n`, 'utf8');
    if (this.early) this.early.push(note);
    else void this.shell.output(note);
  }

  captured(capture: KeyCapture): void {
    this.captures.push(capture);
    this.shell.setSideView(this.reportView(capture));
  }

  private onKeys(chunk: Uint8Array): void {
    const { state, actions, rest } = feedKeys(this.keymap, chunk, this.options.prefix);
    this.keymap = state;
    for (const action of actions) {
      this.armed = action.type === 'armed';
      if (action.type === 'send') this.typed(action.bytes, action.origin);
      else if (action.type === 'command') this.command(action.command);
      else if (action.type === 'unbound' && action.key !== 'Esc')
        this.flash(
          `${describeByte(this.options.prefix)} ${action.key}: no such binding (${describeByte(this.options.prefix)} ? for help)`,
          'warn',
        );
    }
    // Keys typed after a command go to what it opened (a menu), or back through the keymap.
    if (rest.length > 0) this.shell.input(rest);
    this.shell.refresh();
  }

  private typed(bytes: Uint8Array, origin: 'keyboard' | 'paste'): void {
    if (this.running) return this.flash(`not sent: ${this.running.label} (Ctrl-] c cancels)`, 'warn');
    let out = bytes;
    // A paste reaches the console the way a terminal would deliver it to that program.
    if (origin === 'paste' && this.shell.bracketedPaste)
      out = Buffer.concat([Buffer.from('\x1b[200~'), bytes, Buffer.from('\x1b[201~')]);
    void this.send(out, origin).then((verdict) => {
      // A dangerous key typed at Xen: ask, and send it only after an explicit yes.
      if (verdict?.refusal?.reason === 'dangerous-key' && bytes.length === 1 && origin === 'keyboard') {
        const key = String.fromCharCode(bytes[0]!);
        void confirmDangerous(this, key).then(async (yes) => {
          if (!yes) return;
          if (await this.send(bytes, 'debug-key', new Set([key]))) this.flash(`'${key}' sent to Xen`, 'warn');
        });
      }
    });
  }

  private async send(
    bytes: Uint8Array,
    origin: Parameters<XenConsole['send']>[1],
    confirmed?: ReadonlySet<string>,
  ) {
    if (this.lost || this.quitting) return null;
    try {
      return await this.console.send(bytes, origin, confirmed);
    } catch (error) {
      this.flash(`not sent: ${errorText(error)}`, 'alert');
      return null;
    }
  }

  private command(command: PrefixCommand): void {
    const done = command === 'quit' ? this.quit() : runCommand(this, command);
    done.catch((error: unknown) => this.flash(errorText(error), 'alert'));
  }

  /** Is a long action running? Says so in the status line when it is. */
  isBusy(): boolean {
    if (!this.running) return false;
    this.flash(`busy: ${this.running.label} (Ctrl-] c cancels)`, 'warn');
    return true;
  }

  /** Cancel the long action, if any; returns its label. */
  cancelRunning(): string | null {
    if (!this.running) return null;
    this.running.abort.abort(new Error('cancelled'));
    return this.running.label;
  }

  private async quit(): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    this.shell.overlays.cancel();
    const running = this.running;
    running?.abort.abort(new Error('quitting'));
    await running?.done;
    let restored: boolean;
    let error: unknown = null;
    // While the line is being reopened there is nothing to switch with: quitting does not wait for it.
    if (this.console.transport.isOpen && !this.lost && this.console.isConnected) {
      this.running = {
        label: `returning input to ${this.console.input.found}`,
        abort: new AbortController(),
        done: Promise.resolve(),
      };
      this.shell.scheduler.now();
      try {
        await restoreInput(this.console, {
          confirmTimeoutMs: this.confirmTimeoutMs,
          ...(this.options.urgent ? { signal: this.options.urgent } : {}),
        });
        restored = inputAsFound(this.console.input);
      } catch (e) {
        restored = false;
        error = e;
      }
    } else {
      restored = inputAsFound(this.console.input);
    }
    const { renders, requests } = this.shell.scheduler;
    this.shell.stop();
    this.dispose();
    this.finish?.({ restored, error, captures: this.captures, renders, renderRequests: requests });
  }
}
