// The prefix bindings of the live console, dispatched: each command is one small function here or
// in live-actions.ts. Quitting is the session's own (it returns input before the screen closes).

import { liveHelp } from './help-text.js';
import type { PrefixCommand } from './keymap.js';
import { breakMenu, errorText, keyMenu, presetMenu, switchInput, type LiveContext } from './live-actions.js';
import { shortPath } from './live-status.js';
import { prompt } from './overlay-model.js';

/** Recording on and off from the UI; the CLI owns the files. */
export interface SessionRecorder {
  /** The cast being written and its size so far, or null when not recording. */
  status(): { path: string; bytes: number } | null;
  start(): void;
  stop(): void;
}

export interface CommandContext extends LiveContext {
  readonly prefix: number;
  readonly recorder: SessionRecorder;
  /** True (and says so) when a long action is running. */
  isBusy(): boolean;
  /** Cancel the long action; returns its label, or null when there was none. */
  cancelRunning(): string | null;
}

export async function runCommand(
  ctx: CommandContext,
  command: Exclude<PrefixCommand, 'quit'>,
): Promise<void> {
  const { shell } = ctx;
  switch (command) {
    case 'switch':
      return switchInput(ctx);
    case 'keys':
      return ctx.isBusy() ? undefined : keyMenu(ctx);
    case 'preset':
      return ctx.isBusy() ? undefined : presetMenu(ctx);
    case 'break':
      return breakMenu(ctx);
    case 'side-panel':
      return shell.toggleSide();
    case 'help':
      return shell.overlays.showText('help', liveHelp(ctx.prefix, ctx.console.switchCode));
    case 'cancel': {
      const label = ctx.cancelRunning();
      return ctx.flash(label ? `cancelled: ${label}` : 'nothing to cancel', label ? 'warn' : 'info');
    }
    case 'search': {
      const query = await shell.overlays.ask(prompt('search scrollback (empty: just scroll)'));
      if (query === null) return;
      if (!shell.scrollback(query)) ctx.flash(`not found: ${query}`, 'warn');
      return shell.refresh();
    }
    case 'marker': {
      const text = await shell.overlays.ask(prompt('marker text'));
      if (text === null) return;
      ctx.console.mark({ type: 'note', text: text || 'marker' });
      return ctx.flash(ctx.recorder.status() ? 'marker added' : 'marker added (not recording: Ctrl-] r)');
    }
    case 'record':
      return toggleRecording(ctx);
  }
}

function toggleRecording(ctx: CommandContext): void {
  const recorder = ctx.recorder;
  try {
    const before = recorder.status();
    if (before) recorder.stop();
    else recorder.start();
    // Short: the status line's own recording segment says where.
    ctx.flash(before ? `recording stopped (${shortPath(before.path)} kept)` : 'recording started');
  } catch (error) {
    ctx.flash(`recording: ${errorText(error)}`, 'alert');
  }
}
