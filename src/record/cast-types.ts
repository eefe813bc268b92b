// The asciicast v2 vocabulary shared by the writer (asciicast.ts) and the tolerant parser
// (cast-parser.ts), apart so that neither imports the other.

/** A v2 header. Unknown keys (from other tools or newer versions) are kept and written back. */
export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds of the recording's start. */
  timestamp?: number;
  duration?: number;
  idle_time_limit?: number;
  title?: string;
  env?: Record<string, string>;
  [key: string]: unknown;
}

/** One event; `time` is always absolute (seconds since start) once parsed. */
export interface CastEvent {
  time: number;
  code: string;
  data: string;
}
