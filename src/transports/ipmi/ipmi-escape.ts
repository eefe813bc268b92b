// ipmitool's `sol activate` escape, modelled exactly (lib/ipmi_sol.c, processSolUserInput): the
// escape byte is a command only right after CR or LF (and at the very start). Outgoing bytes are
// encoded so console traffic can never trigger a command; BREAK and quit are sent on purpose.

/** Ctrl-]: outside Xen's conswitch range (Ctrl-A..Ctrl-Z) and rare in typed text. */
export const DEFAULT_SOL_ESCAPE = 0x1d;

const CR = 0x0d;
const LF = 0x0a;

/** The escape commands xenkeys uses: BREAK, and `.` to end the session cleanly. */
export type SolCommand = 'B' | '.';

/**
 * Tracks ipmitool's "last byte was a newline" state for one ipmitool process and encodes writes.
 * At a line start an escape byte is doubled (ipmitool sends one); anywhere else it passes as is.
 */
export class SolEscaper {
  // ipmitool's `last_was_cr` starts at 1: the first byte of a session counts as a line start.
  private lineStart = true;

  constructor(readonly escape: number = DEFAULT_SOL_ESCAPE) {
    if (!Number.isInteger(escape) || escape < 0x01 || escape > 0x7e || escape === CR || escape === LF) {
      throw new RangeError(`SOL escape must be one ASCII byte other than NUL, CR and LF, got ${escape}`);
    }
  }

  /** Would ipmitool read the escape byte as a command right now? */
  get atLineStart(): boolean {
    return this.lineStart;
  }

  /** A new ipmitool process starts at a line start. */
  reset(): void {
    this.lineStart = true;
  }

  /** What to write so ipmitool forwards exactly `bytes` to the BMC. */
  encode(bytes: Uint8Array): Uint8Array {
    let extra = 0;
    let lineStart = this.lineStart;
    for (const b of bytes) {
      if (lineStart && b === this.escape) extra++;
      lineStart = b === CR || b === LF;
    }
    const out = new Uint8Array(bytes.length + extra);
    let o = 0;
    for (const b of bytes) {
      // ipmitool: escape at a line start, then escape again -> one escape is sent, and
      // `last_was_cr` becomes false (the escape is not a newline), as for any other byte.
      if (this.lineStart && b === this.escape) out[o++] = b;
      out[o++] = b;
      this.lineStart = b === CR || b === LF;
    }
    return out;
  }

  /**
   * The bytes for an escape command, or null when ipmitool would not read it as one (the last
   * byte sent was not CR or LF). ipmitool `continue`s after a command, so the state is unchanged.
   */
  command(command: SolCommand): Uint8Array | null {
    if (!this.lineStart) return null;
    return new Uint8Array([this.escape, command.charCodeAt(0)]);
  }
}

/** How a person would write the escape byte: `^]` for 0x1d, `~` for `~`. */
export function describeEscape(escape: number): string {
  return escape < 0x20 ? `^${String.fromCharCode(escape + 0x40)}` : String.fromCharCode(escape);
}
