// How a renderer streams: as it goes (JSON), or with its captures put aside in a spool file until the
// page's top is known (Markdown, HTML: report/spooled-stream.ts). Either way memory stays bounded.

import type { Renderer, ReportStreamRenderer } from '../report/renderers.js';
import type { ReportSource } from '../report/model.js';
import { openPageSpool, type DisposableSpool } from './page-spool.js';
import { readSpilled } from './text-spill.js';

export interface StreamStart {
  start(source: () => ReportSource): ReportStreamRenderer;
  /** Remove the spool, if one was made (safe to call more than once). */
  dispose(): void;
}

export function streamOf(renderer: Renderer): StreamStart {
  const { stream, spooled } = renderer;
  // Text too long to hold was spilled to a file (text-spill.ts): the renderer copies it from there.
  if (stream)
    return { start: (source) => stream.call(renderer, source, readSpilled), dispose: () => undefined };
  if (!spooled) throw new Error(`the ${renderer.extension} renderer cannot stream`);
  let spool: DisposableSpool | null = null;
  return {
    start: () => spooled.call(renderer, (spool ??= openPageSpool()), readSpilled),
    dispose: () => spool?.dispose(),
  };
}
