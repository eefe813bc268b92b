// Recording switched on and off from the TUI: each start opens a new pair of session files in the
// output folder (session.cast, then session-2.cast, …; in a reused folder, from its next free number) whose times start at zero and whose first
// marker says where input is, so every file replays and re-cuts on its own.

import { statSync } from 'node:fs';
import type { XenConsole } from '../console/xen-console.js';
import type { Clock } from '../core/clock.js';
import { formatMarker } from '../record/markers.js';
import type { SessionRecorder } from '../tui/live-session.js';
import { numbered, type OutDir } from './out-dir.js';
import { openSessionFiles, type SessionFiles } from './session-files.js';

export interface TuiRecorder extends SessionRecorder {
  /** Every cast written in this session, in order. */
  readonly casts: readonly string[];
  close(): void;
}

export function createTuiRecorder(
  console: XenConsole,
  out: OutDir,
  options: { title: string; recordInput: boolean; clock: Clock },
): TuiRecorder {
  let files: SessionFiles | null = null;
  let startedAt = 0;
  let sizeCache = { at: -Infinity, bytes: 0 };
  const casts: string[] = [];
  const sub = console.onEvent((event) => files?.write({ ...event, t: Math.max(0, event.t - startedAt) }));

  const stop = (): void => {
    files?.close();
    files = null;
  };
  return {
    casts,
    start() {
      if (files) return;
      files = openSessionFiles(out.dir, {
        name: numbered('session', out.index + casts.length),
        title: options.title,
        wallStart: options.clock.wallNow(),
        recordInput: options.recordInput,
      });
      casts.push(files.castPath);
      startedAt = console.elapsed();
      sizeCache = { at: -Infinity, bytes: 0 };
      const target = console.input.target;
      if (target !== 'unknown')
        files.write({ type: 'marker', t: 0, label: formatMarker({ type: 'input', target }) });
    },
    stop,
    status() {
      if (!files) return null;
      // The status line redraws often; the file size is looked up at most twice a second.
      const now = options.clock.now();
      if (now - sizeCache.at > 500) {
        try {
          sizeCache = { at: now, bytes: statSync(files.castPath).size };
        } catch {
          sizeCache = { at: now, bytes: 0 };
        }
      }
      return { path: files.castPath, bytes: sizeCache.bytes };
    },
    close() {
      stop();
      sub.dispose();
    },
  };
}
