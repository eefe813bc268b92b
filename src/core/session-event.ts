// The event vocabulary a console session emits and every sink (cast writer, raw log, TUI, tests)
// consumes. Kinds match asciicast's codes so recording is a straight mapping.

/** Seconds since the session started, on the session's monotonic clock. */
export type SessionTime = number;

export type SessionEvent =
  /** Bytes received from the console, exactly as they arrived; `offset` is their position in the raw log. */
  | { type: 'output'; t: SessionTime; bytes: Uint8Array; offset: number }
  /** Bytes written to the console (recorded only when the user asks: keystrokes can be passwords). */
  | { type: 'input'; t: SessionTime; bytes: Uint8Array }
  /** A labelled point in time: a switch, a key's start or end, a reconnect (see record/markers.ts). */
  | { type: 'marker'; t: SessionTime; label: string }
  | { type: 'resize'; t: SessionTime; cols: number; rows: number };
