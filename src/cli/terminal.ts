// Whether this process talks to a person on a terminal both ways (the TUI needs one). Kept apart
// from the TUI modules so that deciding loads none of them.

export function onTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}
