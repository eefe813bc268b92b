// What a cast's header says about its session, for the report's source: the console it recorded (the
// title xenkeys writes, `xenkeys capture: tcp bmc1:7000`, or any recorder's own title) and when it
// started (xenkeys' `started_at`, ISO 8601 with its zone; else asciicast's `timestamp`, in UTC).

import type { CastHeader } from '../record/asciicast.js';
import type { ReportSource } from './model.js';

const XENKEYS_TITLE = /^xenkeys (?:capture|connect|demo): (.+)$/;

export function sourceMetaFromCast(
  header: CastHeader,
): Pick<ReportSource, 'target' | 'startedAt' | 'capture'> {
  const meta: Pick<ReportSource, 'target' | 'startedAt' | 'capture'> = {};
  // Written by in-band capture (src/inband): the keys went through dom0's xl, not the console line.
  if (header['xenkeys_capture'] === 'inband') meta.capture = 'inband';
  const title = typeof header.title === 'string' ? header.title.trim() : '';
  if (title !== '') meta.target = XENKEYS_TITLE.exec(title)?.[1] ?? title;
  const startedAt = header['started_at'];
  if (typeof startedAt === 'string' && !Number.isNaN(Date.parse(startedAt))) meta.startedAt = startedAt;
  else if (typeof header.timestamp === 'number' && Number.isFinite(header.timestamp)) {
    const date = new Date(header.timestamp * 1000);
    if (!Number.isNaN(date.getTime())) meta.startedAt = date.toISOString().replace('.000Z', 'Z');
  }
  return meta;
}
