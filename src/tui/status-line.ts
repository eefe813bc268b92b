// The status line, pure: which facts it shows (input target first, always), how they are styled,
// and which give way when the terminal is narrow. Returns blessed tag markup for one row.

import { targetLabel, type InputTarget } from '../console/input-target.js';

export type SegmentStyle =
  'input-xen' | 'input-dom' | 'input-unknown' | 'alert' | 'warn' | 'info' | 'dim' | 'plain';

export interface Segment {
  text: string;
  style: SegmentStyle;
  /** Lower numbers survive longer when the line is too narrow. */
  priority: number;
}

const TAGS: Readonly<Record<SegmentStyle, [string, string]>> = {
  'input-xen': ['{white-fg}{red-bg}{bold}', '{/bold}{/red-bg}{/white-fg}'],
  'input-dom': ['{black-fg}{green-bg}{bold}', '{/bold}{/green-bg}{/black-fg}'],
  'input-unknown': ['{black-fg}{yellow-bg}{bold}', '{/bold}{/yellow-bg}{/black-fg}'],
  alert: ['{white-fg}{red-bg}', '{/red-bg}{/white-fg}'],
  warn: ['{yellow-fg}{bold}', '{/bold}{/yellow-fg}'],
  info: ['{cyan-fg}', '{/cyan-fg}'],
  dim: ['{gray-fg}', '{/gray-fg}'],
  plain: ['', ''],
};

const SEPARATOR = ' │ ';
/** Segments at or below this priority are cut to fit rather than dropped. */
const URGENT = 2;

export function inputSegment(target: InputTarget): Segment {
  const style = target === 'xen' ? 'input-xen' : target === 'unknown' ? 'input-unknown' : 'input-dom';
  return { text: ` input: ${targetLabel(target)} `, style, priority: 0 };
}

/** Escape text for blessed tags. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/**
 * Lay segments out left to right in the given order. When they do not fit in `width`, the most
 * important (lowest priority number) are taken first and any that still fit are kept; the last
 * survivor is cut with an ellipsis if even the first does not fit.
 */
export function composeStatus(segments: readonly Segment[], width: number): string {
  const visible = segments.filter((s) => s.text !== '');
  const size = (s: Segment): number => [...s.text].length;
  const chosen = new Set<Segment>();
  let used = 0;
  for (const segment of [...visible].sort((a, b) => a.priority - b.priority)) {
    const cost = size(segment) + (chosen.size > 0 ? SEPARATOR.length : 0);
    if (chosen.size === 0 || used + cost <= width) {
      chosen.add(segment);
      used += cost;
    } else if (segment.priority <= URGENT && width - used > SEPARATOR.length + 8) {
      // An urgent message (a refusal, a lost line) is cut to fit rather than left out.
      chosen.add(segment);
      used = width;
    }
  }
  const kept = visible.filter((s) => chosen.has(s));
  let room = width;
  const parts: string[] = [];
  for (const [i, segment] of kept.entries()) {
    if (i > 0) {
      if (room < SEPARATOR.length + 2) break;
      parts.push(`{gray-fg}${SEPARATOR}{/gray-fg}`);
      room -= SEPARATOR.length;
    }
    const chars = [...segment.text];
    const text = chars.length > room ? `${chars.slice(0, Math.max(0, room - 1)).join('')}…` : segment.text;
    room -= Math.min(chars.length, room);
    const [open, close] = TAGS[segment.style];
    parts.push(`${open}${escapeTags(text)}${close}`);
  }
  return parts.join('');
}

/** "12.3 KB" style sizes for the recording segment. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
