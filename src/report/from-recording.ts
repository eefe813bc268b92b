// A Recording (session-reader.ts) to a Report: its events go through the session fold
// (pipeline/session-fold.ts), so a cast is re-cut by its key markers exactly as capture cut it, and a
// raw log or plain text (no markers) reaches the section splitter line by line.

import { SessionFold } from '../pipeline/session-fold.js';
import type { Recording } from '../record/session-reader.js';
import { ReportBuilder } from './build.js';
import { builderSink } from './fold-feed.js';
import type { Report } from './model.js';

export function reportFromRecording(recording: Recording, name: string | null): Report {
  const cast = recording.kind === 'cast';
  const builder = new ReportBuilder({ kind: cast ? 'recording' : 'log', name });
  const fold = new SessionFold(builderSink(builder, { times: cast }));
  for (const event of recording.events) fold.push(event);
  fold.end();
  return builder.finish();
}
