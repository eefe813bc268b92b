// The no-echo password prompt on a real terminal: a child node process under node-pty asks, we
// type, and the screen must never show the secret (backspace and Ctrl-C handled as ssh's prompt
// does). Uses the built dist/ (npm test builds first), as the CLI tests do.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as pty from 'node-pty';
import { describe, expect, it } from 'vitest';
import { ttyPrompt } from '../../src/transports/secret-prompt.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODULE = pathToFileURL(path.join(ROOT, 'dist/transports/secret-prompt.js')).href;
const SCRIPT = `
const { ttyPrompt } = await import(${JSON.stringify(MODULE)});
const ask = ttyPrompt();
try {
  const secret = await ask('Password: ');
  process.stdout.write('GOT:' + Buffer.from(secret).toString('hex') + '\\n');
  const code = await ask('Code: ', { echo: true });
  process.stdout.write('CODE:' + code + '\\n');
} catch (error) {
  process.stdout.write('ERR:' + error.code + '\\n');
}
process.exit(0);
`;

function child(): { term: pty.IPty; screen: () => string; waitFor: (text: string) => Promise<void> } {
  const term = pty.spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { cols: 80, rows: 24 });
  let screen = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  term.onData((d) => {
    screen += d;
    for (const w of waiters.splice(0)) (screen.includes(w.text) ? w.resolve : () => waiters.push(w))();
  });
  return {
    term,
    screen: () => screen,
    waitFor: (text) =>
      screen.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve })),
  };
}

describe('ttyPrompt', () => {
  it('is not offered when stdin is not a terminal', () => {
    expect(ttyPrompt({ isTTY: false } as NodeJS.ReadStream)).toBeUndefined();
  });

  it('reads a secret without echo (backspace edits it) and echoes only when asked to', async () => {
    const c = child();
    await c.waitFor('Password: ');
    c.term.write('hunterX\x7f2\r');
    await c.waitFor('Code: ');
    c.term.write('4711\r');
    await c.waitFor('CODE:4711');
    expect(c.screen()).toContain(`GOT:${Buffer.from('hunter2').toString('hex')}`);
    expect(c.screen()).not.toContain('hunter');
    expect(c.screen()).toMatch(/Code: 4711/);
  });

  it('gives up on Ctrl-C with code interrupted', async () => {
    const c = child();
    await c.waitFor('Password: ');
    c.term.write('abc\x03');
    await c.waitFor('ERR:');
    expect(c.screen()).toContain('ERR:interrupted');
    expect(c.screen()).not.toContain('abc');
  });
});
