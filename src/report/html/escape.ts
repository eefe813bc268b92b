// HTML escaping for the report page: every piece of console text goes through `esc` (it can hold `<`,
// `&`, quotes and control characters); attributes use the same, as they are always double-quoted.

import { showControls } from '../view-model.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(text: string | number): string {
  return showControls(String(text)).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** An id or class made only of safe characters. */
export function ident(text: string): string {
  return text.replace(/[^\w-]/g, '_');
}
