// The one key plan shared by serial capture, in-band capture, incidents and the TUI's presets.

import { describe, expect, it } from 'vitest';
import { KeyCatalog } from '../../src/console/debug-keys.js';
import { planKeys, runKeyPlan, type KeyPlan } from '../../src/console/key-plan.js';

/** A host whose `h` lists these keys; records what was pressed, list by list. */
function host(keys: Record<string, string>, signal?: AbortSignal) {
  const catalog = new KeyCatalog();
  const pressed: string[][] = [];
  const warnings: string[] = [];
  const presser = {
    catalog,
    warn: (m: string) => warnings.push(m),
    ...(signal ? { signal } : {}),
    press: (list: string[]): Promise<void> => {
      pressed.push(list);
      if (list.includes('h'))
        catalog.learn(Object.entries(keys).map(([key, description]) => ({ key, description })));
      return Promise.resolve();
    },
  };
  return { presser, pressed, warnings };
}

const HOST = {
  h: 'show this message',
  q: 'dump domain (and guest debug) info',
  r: 'dump run queues',
  d: 'dump registers',
  R: 'reboot machine',
  C: 'trigger a crashdump',
};
const plan = (p: Partial<KeyPlan>): KeyPlan => ({
  planned: [],
  discover: true,
  allSafe: false,
  allowDangerous: false,
  ...p,
});

describe('the key plan', () => {
  it("presses the host's own h first, then the rest in one list", async () => {
    const { presser, pressed } = host(HOST);
    await runKeyPlan(plan({ planned: planKeys('qrd') }), presser);
    expect(pressed).toEqual([['h'], ['q', 'r', 'd']]);
  });

  it('all-safe is every key of the host list that is not dangerous, known only after h', async () => {
    const { presser, pressed } = host(HOST);
    let rest: readonly string[] = [];
    await runKeyPlan(plan({ planned: planKeys('all-safe'), allSafe: true }), presser, (r) => (rest = r));
    expect(pressed).toEqual([['h'], ['q', 'r', 'd']]);
    expect(rest).toEqual(['q', 'r', 'd']);
  });

  it("skips, with a warning, keys the host's list lacks", async () => {
    const { presser, pressed, warnings } = host(HOST);
    await runKeyPlan(plan({ planned: planKeys('quick') }), presser);
    await runKeyPlan(plan({ planned: ['q', 'u'], discover: false }), presser);
    expect(pressed.at(-1)).toEqual(['q']);
    expect(warnings).toEqual(["skipped key(s) 'u': not in this host's 'h' list"]);
  });

  it('refuses a key the host calls dangerous before pressing any of the rest', async () => {
    const { presser, pressed } = host(HOST);
    await expect(runKeyPlan(plan({ planned: ['q', 'C'] }), presser)).rejects.toThrow(
      /refusing destructive key 'C' \(trigger a crashdump\)/,
    );
    expect(pressed).toEqual([['h']]);
    await runKeyPlan(plan({ planned: ['q', 'C'], allowDangerous: true }), presser);
    expect(pressed.at(-1)).toEqual(['q', 'C']);
  });

  it('stops after h when the capture was cancelled', async () => {
    const stop = new AbortController();
    const { presser, pressed } = host(HOST, stop.signal);
    const pressH = presser.press;
    presser.press = (list) => {
      stop.abort();
      return pressH(list);
    };
    await runKeyPlan(plan({ planned: ['q'] }), presser);
    expect(pressed).toEqual([['h']]);
  });

  it('rejects keys no Xen has and misspelt presets before touching the host', () => {
    expect(() => planKeys('post_mortem')).toThrow(/no preset called post_mortem/);
    expect(() => planKeys('qj')).toThrow(/no Xen version has a debug key 'j'/);
  });
});
