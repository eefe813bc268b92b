// What the watcher tells the world, one JSON object per line (stdout or --events FILE): connection
// changes, triggers and incidents. Console text in them is escaped so `cat` or `tail -f` of the
// stream cannot act on a terminal; nothing secret is in any (transport descriptions carry none).

export type WatchEvent =
  | { type: 'started'; consoles: number; out: string }
  | { type: 'connected'; console: string; target: string }
  | {
      type: 'connect-failed';
      console: string;
      error: string;
      /** Null: not retried (a usage error). */
      retryInMs: number | null;
    }
  | { type: 'lost'; console: string; reason: string }
  | { type: 'reconnected'; console: string; attempt: number }
  | {
      type: 'trigger';
      console: string;
      trigger: string;
      message: string;
      /** `incident`: one starts; otherwise why not (cooldown, an incident already running, a halted Xen, replayed text). */
      action: 'incident' | 'cooldown' | 'busy' | 'halted' | 'ignored';
      reason?: string;
    }
  | {
      type: 'incident-written';
      console: string;
      trigger: string;
      folder: string;
      keys: string;
      halted: boolean;
      inputRestored: boolean;
      findings: number;
      error: string | null;
    }
  | { type: 'halted'; console: string; message: string }
  | { type: 'write-failed'; console: string; error: string }
  | { type: 'webhook-failed'; console: string; error: string }
  | { type: 'stopped'; reason: string };

export type StampedEvent = WatchEvent & { time: string };

/** One line of JSON; C1, DEL and bidi characters as \u escapes (JSON.stringify does the C0 ones). */
export function encodeWatchEvent(event: StampedEvent): string {
  return `${JSON.stringify(event).replace(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}
