// What the live console's banner and status line say, from the session's state: the input target
// first (input: XEN / DOM0 / ?), then what is going on (reconnecting…, a capture, the prefix armed),
// the connection, the switch key and the recording with its size. Pure.

import path from 'node:path';
import type { XenConsole } from '../console/xen-console.js';
import { describeByte } from './keymap.js';
import { escapeTags, formatBytes, inputSegment, type Segment } from './status-line.js';

export interface LiveStatus {
  console: Pick<XenConsole, 'input' | 'switchCode' | 'transport'>;
  prefix: number;
  simulated: boolean;
  recording: { path: string; bytes: number } | null;
  reconnecting: string | null;
  lost: boolean;
  /** The long action running (a capture, a switch), if any. */
  running: string | null;
  /** The prefix was pressed and a binding is expected. */
  armed: boolean;
}

export function liveSegments(s: LiveStatus): Segment[] {
  const p = describeByte(s.prefix);
  const segments: Segment[] = [inputSegment(s.console.input.target)];
  if (s.simulated) segments.push({ text: 'SIMULATED', style: 'alert', priority: 3 });
  if (s.reconnecting) segments.push({ text: s.reconnecting, style: 'alert', priority: 1 });
  if (s.lost) segments.push({ text: 'connection lost', style: 'alert', priority: 1 });
  if (s.running) segments.push({ text: s.running, style: 'warn', priority: 1 });
  if (s.armed) {
    const hint = `${p} … x switch k keys p preset s panel / search r rec m mark b break c cancel ? help q quit`;
    segments.push({ text: hint, style: 'info', priority: 1 });
  }
  segments.push({ text: s.console.transport.description, style: 'plain', priority: 5 });
  segments.push({ text: `switch ${describeByte(s.console.switchCode)}×3`, style: 'dim', priority: 7 });
  segments.push(
    s.recording
      ? {
          text: `● rec ${shortPath(s.recording.path)} ${formatBytes(s.recording.bytes)}`,
          style: 'warn',
          priority: 4,
        }
      : { text: 'not recording', style: 'dim', priority: 6 },
  );
  segments.push({ text: `${p} ? help`, style: 'dim', priority: 8 });
  return segments;
}

export function liveBanner(
  console: Pick<XenConsole, 'transport'>,
  prefix: number,
  simulated: { source: string } | undefined,
): { markup: string; style: 'live' | 'simulated' } {
  const p = describeByte(prefix);
  if (simulated) {
    return {
      markup:
        ` {bold}SIMULATED Xen console{/bold} — nothing you type reaches a real host · ${p} ? help` +
        ` · recorded from real Xen 4.17 (${escapeTags(simulated.source)})`,
      style: 'simulated',
    };
  }
  return {
    markup: ` {bold}xenkeys{/bold} · ${escapeTags(console.transport.description)} · ${p} ? help`,
    style: 'live',
  };
}

/** The folder and file name: enough to find a recording, short enough for the status line. */
export function shortPath(file: string): string {
  return path.join(path.basename(path.dirname(file)), path.basename(file));
}
