// Inline SVG plumbing for the report's charts: an accessible frame (role=img, <title>, <desc>), text and
// rectangles with tooltips, and the HTML legend under a chart. Colours come from the page's CSS classes,
// so the charts follow dark mode and print like the rest.

import { esc } from './escape.js';

export interface ChartFrame {
  id: string;
  title: string;
  desc: string;
  width: number;
  height: number;
}

export function svgChart(
  f: ChartFrame,
  body: string[],
  legend: { cls: string; label: string }[] = [],
): string {
  const w = Math.ceil(f.width);
  const h = Math.ceil(f.height);
  const svg = `<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${f.id}-t ${f.id}-d">
<title id="${f.id}-t">${esc(f.title)}</title><desc id="${f.id}-d">${esc(f.desc)}</desc>
${body.join('\n')}
</svg>`;
  const items = legend
    .map((l) => `<li><i style="background:var(--${l.cls})"></i>${esc(l.label)}</li>`)
    .join('');
  return `<figure class="chart"><figcaption>${esc(f.title)}</figcaption>${svg}${items ? `<ul class="legend">${items}</ul>` : ''}</figure>`;
}

export function rect(
  x: number,
  y: number,
  w: number,
  h: number,
  cls: string,
  tip: string | null,
  rx = 2,
): string {
  const shape = `x="${r1(x)}" y="${r1(y)}" width="${r1(Math.max(0, w))}" height="${r1(h)}" rx="${rx}" class="${cls}"`;
  return tip === null ? `<rect ${shape}/>` : `<rect ${shape}><title>${esc(tip)}</title></rect>`;
}

export function text(
  x: number,
  y: number,
  body: string,
  options: { anchor?: 'start' | 'middle' | 'end'; cls?: string } = {},
): string {
  const anchor = options.anchor && options.anchor !== 'start' ? ` text-anchor="${options.anchor}"` : '';
  const cls = options.cls ? ` class="${options.cls}"` : '';
  return `<text x="${r1(x)}" y="${r1(y)}"${anchor}${cls}>${esc(body)}</text>`;
}

/** Fit a label into a chip of `width` px at ~6.3 px per monospace character. */
export function fit(label: string, width: number): string {
  const max = Math.max(1, Math.floor((width - 8) / 6.4));
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1))}…`;
}

function r1(n: number): string {
  return String(Math.round(n * 10) / 10);
}
