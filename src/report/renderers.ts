// Report renderers by name, so `report --format NAME` finds them and new ones (Markdown, HTML) are one
// `registerRenderer` call away. A renderer is pure: Report in, text out (in chunks, for huge reports).

import type { Report, ReportCapture, ReportSource } from './model.js';
import { htmlPage, renderHtmlChunks } from './render-html.js';
import { JsonReportStream, renderJsonChunks } from './render-json.js';
import { markdownPage, renderMarkdownChunks } from './render-markdown.js';
import { SpooledReportStream, type PageSpool } from './spooled-stream.js';
import type { RestReader } from './text-rest.js';

/** A rendering written as the report is built: each capture as it completes, in order, then the rest. */
export interface ReportStreamRenderer {
  /** Text for one capture, in pieces; the first call may also return what comes before the captures. */
  capture(capture: ReportCapture): Iterable<string>;
  /** The rest, from the finished report (its `captures` were all given to `capture` already). */
  end(report: Report): Iterable<string>;
}

export interface Renderer {
  /** What `--help` says about the format. */
  description: string;
  /** File extension for an output file, without the dot. */
  extension: string;
  /**
   * The rendering in pieces, in order (joined, they are the whole text). `read`, in each of these: where
   * the text of captures too long to hold in memory is read back from (text-rest.ts).
   */
  render(report: Report, read?: RestReader): Iterable<string>;
  /**
   * Optional: the same text, written while the input is read, so the report of a huge log never has to
   * be whole in memory (`xenkeys report` uses it when present). `source` is asked before the first write.
   */
  stream?(source: () => ReportSource, read?: RestReader): ReportStreamRenderer;
  /**
   * Optional, for a page whose top needs the whole report: stream with the captures' parts put aside
   * in `spool` (outside memory) and read back at the end (spooled-stream.ts).
   */
  spooled?(spool: PageSpool, read?: RestReader): ReportStreamRenderer;
}

const RENDERERS = new Map<string, Renderer>([
  [
    'json',
    {
      description: 'the report contract, xenkeys.report/1',
      extension: 'json',
      render: renderJsonChunks,
      stream: (source, read) => new JsonReportStream(source, read),
    },
  ],
  [
    'md',
    {
      description: 'GitHub-flavoured Markdown',
      extension: 'md',
      render: renderMarkdownChunks,
      spooled: (spool, read) => new SpooledReportStream(markdownPage, spool, read),
    },
  ],
  [
    'html',
    {
      description: 'one self-contained HTML page',
      extension: 'html',
      render: renderHtmlChunks,
      spooled: (spool, read) => new SpooledReportStream(htmlPage, spool, read),
    },
  ],
]);

const BUILT_IN = new Map(RENDERERS);

/** Still the renderer shipped under this name (a worker thread, with only the built-ins, can run it). */
export function isBuiltIn(name: string): boolean {
  return BUILT_IN.has(name) && BUILT_IN.get(name) === RENDERERS.get(name);
}

export function registerRenderer(name: string, renderer: Renderer): void {
  RENDERERS.set(name, renderer);
}

export function getRenderer(name: string): Renderer | undefined {
  return RENDERERS.get(name);
}

export function rendererNames(): string[] {
  return [...RENDERERS.keys()];
}
