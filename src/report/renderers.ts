// Report renderers by name, so `report --format NAME` finds them and new ones (Markdown, HTML) are one
// `registerRenderer` call away. A renderer is pure: Report in, text out (in chunks, for huge reports).

import type { Report } from './model.js';
import { renderJsonChunks } from './render-json.js';

export interface Renderer {
  /** What `--help` says about the format. */
  description: string;
  /** File extension for an output file, without the dot. */
  extension: string;
  /** The rendering in pieces, in order (joined, they are the whole text). */
  render(report: Report): Iterable<string>;
}

const RENDERERS = new Map<string, Renderer>([
  [
    'json',
    { description: 'the report contract, xenkeys.report/1', extension: 'json', render: renderJsonChunks },
  ],
]);

export function registerRenderer(name: string, renderer: Renderer): void {
  RENDERERS.set(name, renderer);
}

export function getRenderer(name: string): Renderer | undefined {
  return RENDERERS.get(name);
}

export function rendererNames(): string[] {
  return [...RENDERERS.keys()];
}
