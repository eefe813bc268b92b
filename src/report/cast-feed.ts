// A cast into a ReportBuilder as it is read, never whole: cast text → events (record/asciicast.ts) →
// the session fold (pipeline/session-fold.ts), which cuts captures by their markers exactly as a
// recording re-read whole is cut, and hands lines and captures on in report order.

import { CastParser } from '../record/asciicast.js';
import { sessionEventOf } from '../record/session-reader.js';
import { SessionFold } from '../pipeline/session-fold.js';
import type { ReportBuilder } from './build.js';
import { builderSink } from './fold-feed.js';

export class CastFeed {
  private readonly parser: CastParser;
  private readonly fold: SessionFold;
  private offset = 0;

  constructor(builder: ReportBuilder, source?: string) {
    this.parser = new CastParser(source === undefined ? {} : { source });
    this.fold = new SessionFold(builderSink(builder), { maxCaptureText: builder.windowChars });
  }

  /** The next piece of the cast's text. Throws CastFormatError as parseCast would. */
  push(text: string): void {
    for (const e of this.parser.push(text)) this.event(e);
  }

  end(): void {
    for (const e of this.parser.end()) this.event(e);
    this.fold.end();
  }

  private event(e: Parameters<typeof sessionEventOf>[0]): void {
    const event = sessionEventOf(e, this.offset);
    if (!event) return;
    if (event.type === 'output') this.offset += event.bytes.length;
    this.fold.push(event);
  }
}
