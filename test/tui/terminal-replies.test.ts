// The TUI's headless terminal answers queries in the console stream (cursor position, device
// attributes, DECRQSS, window reports, colours…). At Xen every byte is a debug key (the cursor
// report ESC [ r ; c R ends in R: reboot), so those answers may reach the wire only while input is
// verified at a domain; held ones are counted in the recording.

import { describe, expect, it } from 'vitest';
import { switchTo } from '../../src/console/switcher.js';
import type { SessionEvent } from '../../src/core/session-event.js';
import { ConsoleTerminal } from '../../src/tui/console-terminal.js';
import { simConsole } from '../helpers/sim-console.js';

const QUERIES: Record<string, string> = {
  'DSR cursor position': '\x1b[6n',
  'DSR status': '\x1b[5n',
  'DA1 primary attributes': '\x1b[c',
  'DA2 secondary attributes': '\x1b[>c',
  'DA3 tertiary attributes': '\x1b[=c',
  DECRQSS: '\x1bP$qm\x1b\\',
  XTVERSION: '\x1b[>0q',
  'window size report': '\x1b[18t',
  'colour query': '\x1b]10;?\x07',
  DECRQM: '\x1b[?2004$p',
  ENQ: '\x05',
  DECID: '\x1bZ',
};

/** Every reply the terminal gives to the queries, in order. */
async function repliesTo(queries: string[]): Promise<string[]> {
  const term = new ConsoleTerminal(80, 24);
  const replies: string[] = [];
  term.onReply((data) => replies.push(data));
  for (const q of queries) await term.write(q);
  term.dispose();
  return replies;
}

describe("the headless terminal's answers", () => {
  it('answer most queries (what there is to hold back)', async () => {
    const answered = await Promise.all(
      Object.values(QUERIES).map(async (q) => (await repliesTo([q])).length),
    );
    expect(answered.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
  });

  it('never reach the wire while input is at Xen or unverified, and are counted in a marker', async () => {
    const { console, sim } = await simConsole();
    const markers: string[] = [];
    console.onEvent((e: SessionEvent) => e.type === 'marker' && markers.push(e.label));
    const replies = await repliesTo(Object.values(QUERIES));
    // Unknown (nothing verified yet), then verified at Xen.
    for (const r of replies)
      expect((await console.send(Buffer.from(r), 'terminal-reply')).allowed).toHaveLength(0);
    await switchTo(console, 'xen', { settleMs: 20 });
    for (const r of replies)
      expect((await console.send(Buffer.from(r), 'terminal-reply')).allowed).toHaveLength(0);
    expect(sim.ran).toEqual([]);
    expect(markers.filter((m) => m.startsWith('terminal reply held'))).toHaveLength(1);
    // Back at dom0 (verified): replies pass again, and the count is recorded once.
    await switchTo(console, 'dom0');
    expect(markers).toContain(`terminal replies held while input was not verified: ${replies.length * 2}`);
    expect((await console.send(Buffer.from(replies[0]!), 'terminal-reply')).allowed.length).toBeGreaterThan(
      0,
    );
  });
});
