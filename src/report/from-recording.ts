// A Recording (session-reader.ts) to a Report: a cast is re-cut by its key markers exactly as capture
// cut it (captures-from-events.ts); a raw log or plain text has no markers and goes through the
// section splitter line by line.

import { capturesFromEvents } from '../console/captures-from-events.js';
import { LineSplitter } from '../console/line-splitter.js';
import type { Recording } from '../record/session-reader.js';
import { ReportBuilder, reportFromRecut } from './build.js';
import type { Report } from './model.js';

export function reportFromRecording(recording: Recording, name: string | null): Report {
  if (recording.kind === 'cast') {
    return reportFromRecut(capturesFromEvents(recording.events), { kind: 'recording', name });
  }
  const builder = new ReportBuilder({ kind: 'log', name });
  const splitter = new LineSplitter();
  for (const event of recording.events) {
    if (event.type !== 'output') continue;
    for (const line of splitter.push(event.bytes, event.t, event.offset)) builder.addLine(line.text);
  }
  const tail = splitter.flush(0);
  if (tail) builder.addLine(tail.text);
  return builder.finish();
}
