// What one watched console offers to people who attach and to `watch --status`. The watcher owns
// the connection; attached clients see its bytes and, one at a time, write through it, so the log
// and the triggers keep running whoever is attached (conserver's model: one writer, many spies).

import type { Disposable } from '../core/emitter.js';

export type HubConnection = 'connected' | 'reconnecting' | 'closed';

export interface HubStatus {
  /** The console's name (the target's name, or one derived from it). */
  name: string;
  /** The transport's description: no secrets. */
  target: string;
  connection: HubConnection;
  /** ISO time of the last connection change. */
  since: string;
  /** Bytes received since the watcher started. */
  bytes: number;
  /** ISO time of the last byte received, or null before the first. */
  lastOutputAt: string | null;
  /** The input target as the trust rules see it: 'dom0', 'xen' or '?'. */
  input: string;
  incidents: number;
  /** True while an incident's key plan is being pressed (writers are held then). */
  incidentRunning: boolean;
  /** Who holds the read-write seat, or null. */
  writer: string | null;
  /** Read-only viewers attached. */
  viewers: number;
}

/** The read-write seat. Dispose to give it up. */
export interface WriterSeat extends Disposable {
  /**
   * Writes through the watcher's console, so its input-target model sees every switch triple.
   * Rejects (XenkeysError) while an incident runs or after the seat was given up.
   */
  write(bytes: Uint8Array): Promise<void>;
}

export interface ConsoleHub {
  readonly name: string;
  status(): HubStatus;
  /** Up to maxBytes of the most recent raw output, for an attaching client's scrollback. */
  scrollback(maxBytes: number): Uint8Array;
  /** Every byte received from the console, as received. */
  onData(listener: (bytes: Uint8Array) => void): Disposable;
  /** One-line notes for attached people: line lost, reconnected, incident started/written. */
  onNotice(listener: (message: string) => void): Disposable;
  /** Takes the read-write seat, or returns null when someone else holds it. */
  claimWriter(who: string): WriterSeat | null;
}
