// Fixture helper: a template literal to lines (the leading newline and the indentation of the closing
// backtick line dropped), so fixtures read like the console they come from.

export function lines(text: string): string[] {
  const out = text
    .replace(/^\n/, '')
    .replace(/\n\s*$/, '')
    .split('\n');
  return out;
}
