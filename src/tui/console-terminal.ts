// The console's screen as a headless xterm fed the raw byte stream: colours, cursor movement,
// clearing and resizes are xterm's, not ours. Writes resolve on xterm's own callback, and nothing
// reads the buffer before it; the scrollback search lives here too.

import xterm from '@xterm/headless';
import type { IBufferLine, IDisposable, Terminal as XTerminal } from '@xterm/headless';

const { Terminal } = xterm;

export interface TerminalModes {
  applicationCursorKeys: boolean;
  bracketedPaste: boolean;
}

export interface SearchHit {
  /** Absolute buffer line. */
  line: number;
  col: number;
  length: number;
}

export class ConsoleTerminal implements IDisposable {
  readonly term: XTerminal;
  private pending = 0;
  /** Bytes parsed so far. */
  bytesWritten = 0;

  constructor(cols: number, rows: number, scrollback = 10_000) {
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
  }

  /** Feed bytes; resolves once xterm has parsed them (its write callback). */
  write(data: Uint8Array | string): Promise<void> {
    this.pending++;
    return new Promise((resolve) =>
      this.term.write(data, () => {
        this.pending--;
        this.bytesWritten += typeof data === 'string' ? data.length : data.length;
        resolve();
      }),
    );
  }

  /** No write is waiting to be parsed. */
  get idle(): boolean {
    return this.pending === 0;
  }

  /** Answers the terminal gives to queries in the stream (cursor position, device attributes…). */
  onReply(listener: (data: string) => void): IDisposable {
    return this.term.onData(listener);
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  resize(cols: number, rows: number): void {
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.term.resize(Math.max(2, cols), Math.max(1, rows));
  }

  /** Absolute index of the live screen's first line (scrollback above it). */
  get baseY(): number {
    return this.term.buffer.active.baseY;
  }

  get length(): number {
    return this.term.buffer.active.length;
  }

  line(index: number): IBufferLine | undefined {
    return this.term.buffer.active.getLine(index);
  }

  /** The cursor on the live screen (row relative to baseY). */
  get cursor(): { x: number; y: number } {
    const buffer = this.term.buffer.active;
    return { x: buffer.cursorX, y: buffer.cursorY };
  }

  get modes(): TerminalModes {
    const modes = this.term.modes;
    return {
      applicationCursorKeys: modes.applicationCursorKeysMode,
      bracketedPaste: modes.bracketedPasteMode,
    };
  }

  text(index: number): string {
    return this.line(index)?.translateToString(true) ?? '';
  }

  /** The live screen as text, one string per row (tests and the benchmark read it). */
  screenText(): string[] {
    const rows: string[] = [];
    for (let y = 0; y < this.rows; y++) rows.push(this.text(this.baseY + y));
    return rows;
  }

  /** Find `query` (case-insensitive) from absolute line `from`, going up (-1) or down (+1). */
  search(query: string, from: number, direction: 1 | -1): SearchHit | null {
    if (query === '') return null;
    const needle = query.toLowerCase();
    for (let line = from; line >= 0 && line < this.length; line += direction) {
      const text = this.text(line).toLowerCase();
      const col = direction === -1 ? text.lastIndexOf(needle) : text.indexOf(needle);
      if (col >= 0) return { line, col, length: query.length };
    }
    return null;
  }

  /**
   * Back to a blank screen with no scrollback (replay seeking backwards). Sent as RIS through the
   * write queue, so bytes written before it cannot land after it.
   */
  reset(): Promise<void> {
    return this.write('\x1bc');
  }

  dispose(): void {
    this.term.dispose();
  }
}
