// The TUI inside a real tmux (what many users run it in): boxes are Unicode lines, never the VT100
// line-drawing letters (`lqqqk`, `x`) that tmux prints when blessed switches charsets; at 80×24 the
// help scrolls to its last line; and with NO_COLOR nothing drawn carries a colour.

import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/run-cli.js';

// A server of its own for each test: a new session on the socket of a server that kill-server is still
// taking down fails with "server exited unexpectedly".
let tests = 0;
let socket = '';
const tmux = (...args: string[]): string =>
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

afterEach(() => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
});

function start(env: string): void {
  socket = `xenkeys-test-${process.pid}-${++tests}`;
  const command = `cd ${ROOT} && env ${env} LANG=C.UTF-8 ${process.execPath} ${BIN} demo --quiet-gap 50`;
  tmux('new-session', '-d', '-s', 'x', '-x', '80', '-y', '24', command);
}

/** The pane's text (with -e, its SGR codes too), polled until it matches: the TUI's own output. */
async function paneUntil(pattern: RegExp, escapes = false, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = tmux('capture-pane', '-t', 'x', '-p', ...(escapes ? ['-e'] : []));
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; pane:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the TUI in tmux at 80×24', { timeout: 60_000 }, () => {
  it('draws boxes with Unicode lines and lets the help scroll to its end', async () => {
    start('TERM=tmux-256color');
    await paneUntil(/SIMULATED Xen console/);
    tmux('send-keys', '-t', 'x', 'C-]', '?');
    const help = await paneUntil(/┌─ help ─+┐/);
    expect(help).not.toMatch(/lq|qqqk|qqqj|mqq/);
    expect(help).toMatch(/^\s*│.*│\s*$/m);
    expect(help).toMatch(/1–\d+ of \d+ · ↑↓ PgUp PgDn Space scroll · Esc closes/);
    tmux('send-keys', '-t', 'x', 'End');
    const end = await paneUntil(/closes it\.\s*│/);
    expect(end).toMatch(/└─+┘/);
    expect(end).not.toMatch(/lq|qqqk|qqqj|mqq/);
  });

  it('with NO_COLOR draws no colour at all', async () => {
    start('TERM=tmux-256color NO_COLOR=1');
    await paneUntil(/SIMULATED Xen console/);
    tmux('send-keys', '-t', 'x', 'C-]', '?');
    const pane = await paneUntil(/┌─ help/, true);
    // SGR parameters that set a colour: 30–37, 38;…, 40–47, 48;…, 90–97, 100–107.
    const colours = [...pane.matchAll(new RegExp(`${String.fromCharCode(0x1b)}\\[([\\d;]*)m`, 'g'))]
      .flatMap((m) => (m[1] ?? '').split(';'))
      .filter((p) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p));
    expect(colours).toEqual([]);
    expect(pane).toContain('\x1b[7m'); // inverse still marks the status bar
  });
});
