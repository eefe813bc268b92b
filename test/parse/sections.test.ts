import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/pipeline/line-splitter.js';
import { parseAllKeys } from '../../src/parse/keys/all-keys.js';
import { parseConsoleRing } from '../../src/parse/keys/console-ring.js';
import { parseKey } from '../../src/parse/key-parsers.js';
import { SectionSplitter, splitSections, type SplitItem } from '../../src/parse/sections.js';
import { lines } from './lines.js';

const keys = (text: string[]): [string, number][] =>
  splitSections(text).sections.map((s) => [s.key, s.lines.length]);

describe('section splitter', () => {
  it('finds keys by header and by fixed first line, back to back, with prompts in front', () => {
    const input = lines(`
(XEN) *** Serial input to Xen (type 'CTRL-a' three times to switch input)
/ # (XEN) 'h' pressed -> showing installed handlers
(XEN)  key 'q' (ascii '71') => dump domain (and guest debug) info
(XEN) sched_smt_power_savings: disabled
(XEN) NOW=28615079160
(XEN) Physical memory information:
(XEN)     Dom heap: 766308kB free
(XEN) Synced stime skew: max=1ns avg=1ns samples=1 current=1ns
(XEN) Synced cycles skew: max=1 avg=1 samples=1 current=1
(XEN) something else entirely
(XEN) 'x' pressed - Dumping all livepatch patches
(XEN) build-id: 151b373fd64b321593bf987fd923cd10dabadac4
(XEN) gnttab_usage_print_all [ key 'g' pressed
(XEN) gnttab_usage_print_all ] done
(XEN) Triggering NMI on APIC ID 0
(XEN) *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)
/ # ls
`);
    const { sections, other } = splitSections(input);
    expect(sections.map((s) => [s.key, s.lines.length, s.found])).toEqual([
      ['h', 2, 'header'],
      ['r', 2, 'first-line'],
      ['m', 2, 'first-line'],
      ['t', 2, 'first-line'],
      ['x', 2, 'header'],
      ['g', 2, 'header'],
      ['N', 1, 'first-line'],
    ]);
    expect(sections[0]?.description).toBe('showing installed handlers');
    expect(other).toEqual([input[0], '(XEN) something else entirely', input[15], '/ # ls']);
  });

  it('ends a closed-grammar key at a line it cannot hold, and keeps foreign lines inside', () => {
    const input = lines(`
(XEN) Physical memory information:
(XEN)     Xen heap: 0kB free
[  100.000000] dom0 says something meanwhile
(XEN)     Dom heap: 766308kB free
(XEN) d1v0 unexpected write to MSR 0x123
`);
    expect(keys(input)).toEqual([['m', 4]]);
  });

  it('keeps `*` whole: its [k: desc] parts, their own headers and headerless first lines', () => {
    const input = lines(`
(XEN) '*' pressed -> firing all diagnostic keyhandlers
(XEN) [d: dump registers]
(XEN) 'd' pressed -> dumping registers
(XEN) 
(XEN) *** Dumping CPU0 host state: ***
(XEN) [m: memory info]
(XEN) Physical memory information:
(XEN)     Dom heap: 765488kB free
(XEN) [q: dump domain (and guest debug) info]
(XEN) 'q' pressed -> dumping domain info (now = 36579594509)
(XEN) [r: dump run queues]
(XEN) sched_smt_power_savings: disabled
(XEN) 'h' pressed -> showing installed handlers
`);
    expect(keys(input)).toEqual([
      ['*', 12],
      ['h', 1],
    ]);
    const star = parseAllKeys(input.slice(0, 12), parseKey);
    expect(star.unrecognised).toEqual([]);
    expect(star.parts.map((p) => [p.key, p.description, p.lines, p.parsed !== null])).toEqual([
      ['d', 'dump registers', 3, true],
      ['m', 'memory info', 2, true],
      ['q', 'dump domain (and guest debug) info', 1, true],
      ['r', 'dump run queues', 1, true],
    ]);
  });

  it('starts a `*` at a [k: desc] line when its header is gone (a ring replay that wrapped)', () => {
    expect(
      keys([
        '(XEN) CC3[0] CC6[0] CC7[0]',
        '(XEN) [e: dump evtchn info]',
        "(XEN) 'e' pressed -> dumping event-channel info",
      ]),
    ).toEqual([['*', 2]]);
  });

  const W = lines(`
/ # (XEN) [   20.000000] 'w' pressed -> dumping console ring buffer (dmesg)
00000 0000000000000000
(XEN) [   15.000000] 'H' pressed -> dumping heap info (now = 15492932636)
(XEN) [   16.000000] *** Serial input to Xen (type 'CTRL-a' three times to switch input)
(XEN) [   17.000000] 'w' pressed -> dumping console ring buffer (dmesg)
(XEN) [   20.000000] 'w' pressed -> dumping console ring buffer (dmesg)
(XEN) [   21.000000] *** Serial input to DOM0 (type 'CTRL-a' three times to switch input)
`);

  it('keeps a section only up to its window: the lines past it are counted and marked, still in order', () => {
    const q = ["(XEN) 'q' pressed -> dumping domain info (now = 1)"];
    for (let i = 0; i < 50; i++)
      q.push(`(XEN)     VCPU${i}: CPU0 [has=F] poll=0 upcall_pend=00 upcall_mask=00`);
    const items: SplitItem[] = [];
    const splitter = new SectionSplitter((i) => items.push(i), { windowChars: 500, keepNorms: true });
    [...q, '(XEN) *** Serial input to DOM0 (type CTRL-a three times to switch input)'].forEach((l) =>
      splitter.push(l),
    );
    splitter.flush();
    const section = items.flatMap((i) => (i.type === 'section' ? [i.section] : []))[0];
    const kept = q.findIndex((_, n) => q.slice(0, n).join('\n').length + 1 >= 500);
    expect(section?.lines).toEqual(q.slice(0, kept));
    expect(section?.norms).toHaveLength(kept);
    expect(section?.rest).toBe(q.length - kept);
    const inSection = items.flatMap((i) => (i.type === 'line' && i.section ? [[i.raw, i.rest]] : []));
    expect(inSection).toEqual(q.map((l, n) => [l, n >= kept]));
  });

  it("keeps `w`'s ring replay together up to the second copy of its header (same timestamp)", () => {
    const items: SplitItem[] = [];
    const splitter = new SectionSplitter((i) => items.push(i));
    W.forEach((l) => splitter.push(l));
    splitter.flush();
    const sections = items.flatMap((i) => (i.type === 'section' ? [i.section] : []));
    expect(sections.map((s) => [s.key, s.lines.length, s.complete])).toEqual([['w', 6, true]]);
    expect(items.filter((i) => i.type === 'line' && i.replay).length).toBe(5);
    const w = parseConsoleRing(W.slice(0, 6));
    expect(w).toMatchObject({
      complete: true,
      replayLines: 4,
      startsMidLine: true,
      firstTimestamp: '15.000000',
      lastTimestamp: '17.000000',
      unrecognised: [],
    });
    expect(w.sections.map((s) => s.key)).toEqual(['H', 'w']);
  });

  it('reads the lines afresh when a `w` never closes (its output cut short)', () => {
    const cut = [
      ...W.slice(0, 3),
      '(XEN) [   16.500000] Physical memory information:',
      '(XEN) [   16.600000]     Dom heap: 1kB free',
    ];
    const { sections } = splitSections(cut);
    expect(sections.map((s) => [s.key, s.lines.length, s.complete])).toEqual([
      ['w', 1, false],
      ['H', 1, true],
      ['m', 2, true],
    ]);
    expect(parseConsoleRing(cut)).toMatchObject({ complete: false, replayLines: 4 });
    expect(
      parseConsoleRing([
        "(XEN) 'w' pressed -> dumping console ring buffer (dmesg)",
        '(XEN) unable to allocate memory!',
      ]),
    ).toMatchObject({
      failure: 'unable to allocate memory!',
    });
  });

  it('gives up on a replay that outgrows the ring', () => {
    const items: SplitItem[] = [];
    const splitter = new SectionSplitter((i) => items.push(i), { maxReplayLines: 3 });
    [W[0] ?? '', 'a', 'b', 'c', 'd', '(XEN) MSI information:'].forEach((l) => splitter.push(l));
    splitter.flush();
    const sections = items.flatMap((i) =>
      i.type === 'section' ? [[i.section.key, i.section.complete]] : [],
    );
    expect(sections).toEqual([
      ['w', false],
      ['M', true],
    ]);
  });

  it('splits an xl dmesg dump with timestamps (no foreign lines, no switches)', () => {
    const input = lines(`
(XEN) [2026-11-21 19:32:53.666] Brought up 4 CPUs
(XEN) [2026-11-21 19:40:01.000] 'q' pressed -> dumping domain info (now = 9519434949)
(XEN) [2026-11-21 19:40:01.001] General information for domain 0:
(XEN) [2026-11-21 19:40:02.000] Dumping timer queues:
(XEN) [2026-11-21 19:40:02.001] CPU00:
(XEN) [2026-11-21 19:40:03.000] d1v0 a message from later
`);
    expect(keys(input)).toEqual([
      ['q', 2],
      ['a', 2],
    ]);
  });

  it('never throws and loses no line, whatever the input (dropped characters, splices, garbage)', () => {
    const real = splitText(
      readFileSync(new URL('../../recordings/xen-4.17-smp8-big-dump/session.raw', import.meta.url), 'utf8'),
    );
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom(...real),
      fc
        .tuple(fc.constantFrom(...real), fc.nat(), fc.constantFrom(...real))
        .map(([a, n, b]) => a.slice(0, n % (a.length + 1)) + b),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 200 }), (input) => {
        let seen = 0;
        const splitter = new SectionSplitter((i) => {
          if (i.type === 'line') seen++;
          else for (const k of [i.section.key]) parseKey(k, i.section.lines);
        });
        input.forEach((l) => splitter.push(l));
        splitter.flush();
        expect(seen).toBe(input.length);
      }),
      { numRuns: 300 },
    );
  });
});
