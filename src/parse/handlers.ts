// The `h` key's list: ` key 'q' (ascii '71') => dump domain (and guest debug) info`.
// Source: xen/common/keyhandler.c show_handlers(), the same format in 4.4 → master.

export interface Handler {
  key: string;
  description: string;
}

const HANDLER_RE = /key '(.)' \(ascii '([0-9a-f]{2})'\) => (.*)$/;

/** One handler from a line, or null. Non-printable keys are shown as ' ' by Xen: use the ascii code. */
export function parseHandlerLine(text: string): Handler | null {
  const m = HANDLER_RE.exec(text);
  if (!m) return null;
  const key = String.fromCharCode(parseInt(m[2]!, 16));
  return { key, description: m[3]!.trimEnd() };
}

export function parseHandlers(lines: readonly string[]): Handler[] {
  const handlers: Handler[] = [];
  for (const line of lines) {
    const h = parseHandlerLine(line);
    if (h) handlers.push(h);
  }
  return handlers;
}
