// After a capture: DIR/report.json and DIR/report.md (report-N.* in a reused folder) from the session just recorded — its raw log
// streamed beside the captures already in memory (cut exactly as the key runner cut them), so even a
// long session is never held whole. A failure here never fails the capture: the caller warns and
// carries on.

import { createReadStream } from 'node:fs';
import { LineSplitter } from '../console/line-splitter.js';
import type { KeyCapture } from '../console/key-runner.js';
import { RawWithCaptures, ReportBuilder } from '../report/build.js';
import { renderJsonChunks } from '../report/render-json.js';
import { renderMarkdownChunks } from '../report/render-markdown.js';
import { writeChunksAtomically } from './report-output.js';

/** Writes `${stem}.json` and `${stem}.md` (new files: an existing one is refused, not replaced). */
export async function writeCaptureReport(
  stem: string,
  rawPath: string,
  captures: readonly KeyCapture[],
  name: string | null,
  startedAt?: string,
  inband = false,
): Promise<string | null> {
  try {
    const builder = new ReportBuilder({
      kind: 'live',
      name,
      ...(startedAt ? { startedAt } : {}),
      ...(inband ? { capture: 'inband' as const } : {}),
    });
    const feed = new RawWithCaptures(builder, captures);
    const splitter = new LineSplitter();
    let offset = 0;
    for await (const chunk of createReadStream(rawPath) as AsyncIterable<Buffer>) {
      for (const line of splitter.push(chunk, 0, offset)) feed.line(line.text, line.offset, line.length);
      offset += chunk.length;
    }
    const tail = splitter.flush(0);
    if (tail) feed.line(tail.text, tail.offset, tail.length);
    feed.end();
    const report = builder.finish();
    await writeChunksAtomically(`${stem}.json`, renderJsonChunks(report), { replace: false });
    await writeChunksAtomically(`${stem}.md`, renderMarkdownChunks(report), { replace: false });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
