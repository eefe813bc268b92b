// A simulated Xen serial console that follows Xen's real input rules, for tests and the embedded
// demo: three consecutive switch bytes (bit 7 stripped, no timeout, held bytes replayed to the
// current side), the exact 4.12+ confirmation messages, a single pending-key slot for tasklet keys,
// IRQ keys run at once, and a tiny dom0 shell. Keys answer with output recorded from real Xen.
// Source: xen/drivers/char/console.c (serial_rx, console_switch_input), xen/common/keyhandler.c.

import type { Clock, TimerHandle } from '../core/clock.js';

export interface SimScript {
  /** Recorded output per key, lines without line endings, prefixes kept. */
  keys: ReadonlyMap<string, readonly string[]>;
  /** Printed after `R` (and by `boot()`), lines as recorded. */
  bootLines: readonly string[];
  /** Where input goes at the start: after boot Xen hands it to dom0. */
  initialTarget?: 'xen' | 'dom0';
  conswitch?: string;
}

export interface SimOptions {
  clock: Clock;
  /** Delivers bytes to the client. */
  emit: (bytes: Uint8Array) => void;
  /** Delay before the keypress tasklet runs: the window in which a second key replaces the first. */
  taskletDelayMs?: number;
  /** Lines per output chunk, so long dumps arrive as a stream rather than one blob. */
  linesPerChunk?: number;
}

// IRQ-context handlers run at once; every other key waits for the tasklet (xen/common/keyhandler.c).
const IRQ_KEYS = new Set(['A', 'd', 'R', '*', '%', '+', '-', 'G']);
const PROMPT = '/ # ';

export class XenSimulator {
  private target: 'xen' | 'dom0';
  private held = 0;
  private pendingKey: string | null = null;
  private tasklet: TimerHandle | null = null;
  private shellLine = '';
  private readonly switchCode: number;
  private readonly switchLetter: string;
  /** Keys whose handlers actually ran, in order (tests check the pending-slot rule with it). */
  readonly ran: string[] = [];
  private readonly queue: string[] = [];
  private flushing: TimerHandle | null = null;

  constructor(
    private readonly script: SimScript,
    private readonly options: SimOptions,
  ) {
    this.target = script.initialTarget ?? 'dom0';
    this.switchLetter = script.conswitch ?? 'a';
    this.switchCode = this.switchLetter.charCodeAt(0) - 0x60;
  }

  get inputTarget(): 'xen' | 'dom0' {
    return this.target;
  }

  /**
   * Dom0 prints text of its own choosing, wherever input goes: dom0's console output reaches the
   * line unprefixed, so it can look exactly like Xen's (`xl dmesg`, `cat` of an old log, an attacker).
   */
  dom0Print(text: string): void {
    this.print(text);
  }

  /** Print the prompt, as a freshly attached console would show after pressing Enter. */
  prompt(): void {
    this.print(PROMPT);
  }

  receive(bytes: Uint8Array): void {
    for (const raw of bytes) {
      const c = raw & 0x7f; // Xen strips bit 7 of every received byte
      if (c === this.switchCode) {
        if (++this.held === 3) {
          this.held = 0;
          this.switchInput();
        }
        continue;
      }
      // Held switch bytes go to the current side, followed by this byte.
      for (; this.held > 0; this.held--) this.deliver(this.switchCode);
      this.deliver(c);
    }
  }

  private switchInput(): void {
    this.target = this.target === 'xen' ? 'dom0' : 'xen';
    const name = this.target === 'xen' ? 'Xen' : 'DOM0';
    this.printLines([
      `(XEN) *** Serial input to ${name} (type 'CTRL-${this.switchLetter}' three times to switch input)`,
    ]);
  }

  private deliver(c: number): void {
    if (this.target === 'xen') this.keypress(String.fromCharCode(c));
    else this.dom0Input(c);
  }

  private keypress(key: string): void {
    if (IRQ_KEYS.has(key)) return this.runHandler(key);
    // Single slot: a key that arrives before the tasklet runs replaces the pending one.
    this.pendingKey = key;
    this.tasklet ??= this.options.clock.setTimeout(() => {
      this.tasklet = null;
      const pending = this.pendingKey;
      this.pendingKey = null;
      if (pending !== null) this.runHandler(pending);
    }, this.options.taskletDelayMs ?? 2);
  }

  private runHandler(key: string): void {
    const output = this.script.keys.get(key);
    if (!output) return; // unregistered keys are ignored
    this.ran.push(key);
    this.printLines(output);
    if (key === 'R') this.reboot();
  }

  private reboot(): void {
    this.target = 'xen';
    this.held = 0;
    this.printLines(this.script.bootLines);
    this.target = this.script.initialTarget ?? 'dom0';
  }

  // A tiny dom0 shell: echo, Enter runs `echo …` (with $((a*b)) arithmetic) and prints the prompt.
  private dom0Input(c: number): void {
    if (c === 0x0d || c === 0x0a) {
      const command = this.shellLine.trim();
      this.shellLine = '';
      this.print('\r\r\n');
      const reply = runShell(command);
      if (reply !== null) this.print(`${reply}\r\r\n`);
      this.print(PROMPT);
      return;
    }
    if (c === 0x7f || c === 0x08) {
      if (this.shellLine.length > 0) {
        this.shellLine = this.shellLine.slice(0, -1);
        this.print('\b \b');
      }
      return;
    }
    if (c < 0x20) return;
    this.shellLine += String.fromCharCode(c);
    this.print(String.fromCharCode(c));
  }

  private printLines(lines: readonly string[]): void {
    const per = this.options.linesPerChunk ?? 40;
    for (let i = 0; i < lines.length; i += per) {
      this.queue.push(
        lines
          .slice(i, i + per)
          .map((l) => `${l}\r\n`)
          .join(''),
      );
    }
    this.schedule();
  }

  private print(text: string): void {
    this.queue.push(text);
    this.schedule();
  }

  // Output leaves asynchronously, one chunk per tick, like bytes on a wire.
  private schedule(): void {
    this.flushing ??= this.options.clock.setTimeout(() => this.flushOne(), 0);
  }

  private flushOne(): void {
    this.flushing = null;
    const chunk = this.queue.shift();
    if (chunk === undefined) return;
    this.options.emit(Buffer.from(chunk, 'utf8'));
    if (this.queue.length > 0) this.schedule();
  }
}

function runShell(command: string): string | null {
  if (command === '') return null;
  const echo = /^echo\s+(.*)$/.exec(command);
  if (!echo) return `sh: ${command.split(/\s+/)[0]}: not found`;
  return echo[1]!
    .replace(/\$\(\((\d+)\s*([*+-])\s*(\d+)\)\)/g, (_m, a: string, op: string, b: string) => {
      const x = Number(a);
      const y = Number(b);
      return String(op === '*' ? x * y : op === '+' ? x + y : x - y);
    })
    .replace(/^['"]|['"]$/g, '');
}
