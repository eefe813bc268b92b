// The full-screen frame shared by the live console and replay: a banner row, the console pane
// drawn cell by cell from the headless xterm, an optional side panel, the status line, and modal
// overlays. Owns the terminal (raw stdin, bracketed paste, cursor-key mode) and coalesced redraws.

import blessed from 'blessed';
import type { Widgets } from 'blessed';
import { PassThrough } from 'node:stream';
import { ConsoleTerminal } from './console-terminal.js';
import { decodeKeys } from './key-decoder.js';
import { OverlayHost } from './overlay-host.js';
import { PaneRenderer, type ScrollState } from './pane-renderer.js';
import { RenderScheduler } from './render-scheduler.js';
import { formatView, type ReportView } from './report-view.js';
import { composeStatus, escapeTags, type Segment, type SegmentStyle } from './status-line.js';
import { applyScreenCompat } from './screen-compat.js';

export interface ShellOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** The local prefix byte: it also closes overlays. */
  prefix: number;
  frameMs?: number;
  /** The banner row's markup and colours. */
  banner: () => { markup: string; style: 'live' | 'simulated' | 'replay' };
  /** The session's part of the status line. */
  segments: () => Segment[];
  /** Keyboard input while no overlay or scrollback view has it. */
  onKeys: (chunk: Uint8Array) => void;
}

/** Bracketed paste off, normal cursor keys and keypad: the terminal as we found it. */
const RESET_MODES = '\x1b[?2004l\x1b[?1l\x1b>';

const BANNER_BG = { live: 'blue', simulated: 'yellow', replay: 'magenta' } as const;

export class TuiShell {
  readonly terminal: ConsoleTerminal;
  readonly scheduler: RenderScheduler;
  sideVisible = false;
  private readonly screen: Widgets.Screen;
  private readonly bannerBox: Widgets.BoxElement;
  private readonly paneBox: Widgets.BoxElement;
  private readonly sideBox: Widgets.BoxElement;
  private readonly statusBox: Widgets.BoxElement;
  private readonly pane: PaneRenderer;
  /** Menus, dialogs, prompts and help: one at a time, keys go to it while open. */
  readonly overlays: OverlayHost;
  private sideView: ReportView | null = null;
  private flashMessage: { text: string; style: SegmentStyle; timer: NodeJS.Timeout } | null = null;
  private cursorKeysMirrored = false;
  private stopped = false;

  constructor(private readonly options: ShellOptions) {
    const cols = options.stdout.columns || 80;
    const rows = options.stdout.rows || 24;
    this.terminal = new ConsoleTerminal(cols, Math.max(1, rows - 2));
    // Blessed reads no input: keys are ours, byte-exact. Its bundled terminfo is used when the
    // system's is in ncurses' newer format (it then says "Terminfo parse error" and falls back).
    this.screen = blessed.screen({
      input: new PassThrough(),
      output: options.stdout,
      terminal: /256color/.test(process.env['TERM'] ?? '') ? 'xterm-256color' : 'xterm',
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      warnings: false,
      autoPadding: false,
    } as Widgets.IScreenOptions);
    applyScreenCompat(this.screen);
    this.bannerBox = blessed.box({
      parent: this.screen,
      top: 0,
      left: 0,
      height: 1,
      tags: true,
      wrap: false,
    });
    this.paneBox = blessed.box({ parent: this.screen, top: 1, left: 0 });
    this.sideBox = blessed.box({
      parent: this.screen,
      top: 1,
      tags: true,
      hidden: true,
      wrap: false,
      border: { type: 'line' },
      label: ' side panel ',
      style: { border: { fg: 'cyan' } },
    });
    this.statusBox = blessed.box({
      parent: this.screen,
      left: 0,
      height: 1,
      tags: true,
      wrap: false,
      style: { bg: 'black', fg: 'white' },
    });
    this.pane = new PaneRenderer(this.paneBox, this.terminal);
    this.scheduler = new RenderScheduler(() => this.renderFrame(), options.frameMs ?? 16);
    this.overlays = new OverlayHost(this.screen, options.prefix, () => this.scheduler.now());
  }

  start(): void {
    const { stdin, stdout } = this.options;
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', this.onData);
    this.screen.on('resize', this.onResize);
    process.on('exit', this.onExit);
    // Blessed switches the keypad to application mode; the console decides that (mirrored below).
    stdout.write('\x1b[?1l\x1b>\x1b[?2004h');
    this.layout();
    this.scheduler.now();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const { stdin, stdout } = this.options;
    this.overlays.cancel();
    if (this.flashMessage) clearTimeout(this.flashMessage.timer);
    this.scheduler.dispose();
    stdin.off('data', this.onData);
    this.screen.off('resize', this.onResize);
    process.off('exit', this.onExit);
    stdout.write(RESET_MODES);
    this.screen.destroy();
    stdin.setRawMode?.(false);
    stdin.pause();
    this.terminal.dispose();
  }

  /** Feed console output; redraws are coalesced. Resolves once xterm has parsed it. */
  async output(bytes: Uint8Array | string): Promise<void> {
    await this.terminal.write(bytes);
    const appCursor = this.terminal.modes.applicationCursorKeys;
    if (appCursor !== this.cursorKeysMirrored && !this.stopped) {
      // Arrow keys must reach the console in the mode its program asked for (ESC O A vs ESC [ A).
      this.cursorKeysMirrored = appCursor;
      this.options.stdout.write(appCursor ? '\x1b[?1h' : '\x1b[?1l');
    }
    this.scheduler.request();
  }

  /** Redraw soon (state changed). */
  refresh(): void {
    this.scheduler.request();
  }

  flash(text: string, style: SegmentStyle = 'info', ms = 6_000): void {
    if (this.flashMessage) clearTimeout(this.flashMessage.timer);
    const timer = setTimeout(() => {
      this.flashMessage = null;
      this.refresh();
    }, ms);
    timer.unref();
    this.flashMessage = { text, style, timer };
    this.refresh();
  }

  setSideView(view: ReportView | null, show = true): void {
    this.sideView = view;
    if (show && view && !this.sideVisible) this.toggleSide(true);
    else this.refresh();
  }

  toggleSide(force?: boolean): void {
    this.sideVisible = force ?? !this.sideVisible;
    this.layout();
    this.scheduler.now();
  }

  get bracketedPaste(): boolean {
    return this.terminal.modes.bracketedPaste;
  }

  /** Enter the scrollback view, optionally at the newest match of `query`. */
  scrollback(query: string): boolean {
    return this.pane.enterScroll(query);
  }

  get scroll(): ScrollState | null {
    return this.pane.scroll;
  }

  /** The console pane's size in cells. */
  get paneSize(): { cols: number; rows: number } {
    return { cols: this.terminal.cols, rows: this.terminal.rows };
  }

  private readonly onData = (chunk: Buffer): void => {
    this.input(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };

  /** Route keyboard bytes: to the open overlay, the scrollback view, or the session. */
  input(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    if (this.overlays.isOpen) return this.feedOverlay(bytes);
    if (this.pane.scroll) return this.feedScroll(bytes);
    this.options.onKeys(bytes);
  }

  private feedOverlay(bytes: Uint8Array): void {
    let used = 0;
    for (const key of decodeKeys(bytes)) {
      if (!this.overlays.isOpen) break;
      used += key.size;
      this.overlays.key(key);
    }
    this.handOn(bytes.subarray(used));
  }

  private feedScroll(bytes: Uint8Array): void {
    let used = 0;
    for (const key of decodeKeys(bytes)) {
      if (!this.pane.scroll || this.overlays.isOpen) break;
      used += key.size;
      if (key.name === 'char' && key.ch === '/') {
        void this.overlays.ask({ kind: 'prompt', title: ' search scrollback ', text: '' }).then((q) => {
          if (q && !this.pane.searchFrom(q)) this.flash(`not found: ${q}`, 'warn');
          this.scheduler.now();
        });
        continue;
      }
      const result = this.pane.scrollKey(key);
      if (result === 'not-found') this.flash(`no more matches for ${this.pane.scroll?.query ?? ''}`, 'warn');
    }
    this.scheduler.now();
    this.handOn(bytes.subarray(used));
  }

  /**
   * Keys read in the same chunk after an overlay closed (or scrollback ended) go on, once whatever
   * that answer opens next (a confirmation after a menu) has opened: never to the console early.
   */
  private handOn(rest: Uint8Array): void {
    if (rest.length > 0) setImmediate(() => this.input(rest));
  }

  // A crash must not leave the user's terminal in bracketed-paste mode (blessed restores the rest;
  // Node itself puts the tty back into cooked mode at exit).
  private readonly onExit = (): void => {
    this.options.stdout.write(RESET_MODES);
  };

  private readonly onResize = (): void => {
    this.layout();
    this.scheduler.now();
  };

  private layout(): void {
    const cols = Math.max(20, Number(this.screen.width) || 80);
    const rows = Math.max(5, Number(this.screen.height) || 24);
    const side = this.sideVisible ? Math.max(24, Math.min(Math.floor(cols * 0.4), cols - 30)) : 0;
    this.bannerBox.width = cols;
    this.paneBox.width = cols - side;
    this.paneBox.height = rows - 2;
    this.sideBox.left = cols - side;
    this.sideBox.width = Math.max(1, side);
    this.sideBox.height = rows - 2;
    if (this.sideVisible) this.sideBox.show();
    else this.sideBox.hide();
    this.statusBox.top = rows - 1;
    this.statusBox.width = cols;
    this.terminal.resize(cols - side, rows - 2);
  }

  private renderFrame(): void {
    if (this.stopped) return;
    const cols = Number(this.screen.width) || 80;
    const banner = this.options.banner();
    this.bannerBox.style.bg = BANNER_BG[banner.style];
    this.bannerBox.style.fg = banner.style === 'simulated' ? 'black' : 'white';
    this.bannerBox.setContent(banner.markup);
    const segments = [...this.options.segments()];
    const scroll = this.pane.scroll;
    if (scroll) segments.push({ text: this.pane.describeScroll(), style: 'info', priority: 1 });
    if (this.flashMessage)
      segments.push({ text: this.flashMessage.text, style: this.flashMessage.style, priority: 2 });
    this.statusBox.setContent(composeStatus(segments, cols));
    if (this.sideVisible) {
      const inner = Math.max(1, Number(this.sideBox.width) - 2);
      const lines = this.sideView
        ? formatView(this.sideView, inner)
        : ['No capture yet.', '', 'Ctrl-] k presses a key;', 'its capture shows here.'];
      this.sideBox.setContent(
        lines.map((l, i) => (i === 0 ? `{bold}${escapeTags(l)}{/bold}` : escapeTags(l))).join('\n'),
      );
    }
    this.overlays.draw();
    this.screen.render();
  }
}
