// The watcher end to end on simulated Xen: a trigger becomes an incident folder with the keys the
// host has pressed in osstest's order, input returned, the report's findings, and the raw slice;
// cooldown, busy, replayed text, silence and the writer seat behave as documented.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crlf, simWatch, type SimWatch } from './harness.js';
import { DOM0_PANIC, XEN_PANIC } from './fixtures.js';

let w: SimWatch | null = null;
afterEach(async () => {
  await w?.watcher.stop('test over');
  w = null;
});

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('an incident', () => {
  it("presses the host's keys in osstest's order, returns input and writes the folder", async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    sim.dom0Print(crlf(XEN_PANIC));
    const trigger = await w.events.next('trigger');
    expect(trigger).toMatchObject({
      console: 'sim',
      trigger: 'xen-panic',
      action: 'incident',
      message: 'Timer went backwards',
    });
    const written = await w.events.next('incident-written');
    // The simulated host's `h` list has d, r and q of the plan (n is refused as dangerous; * N R are not in it).
    expect(written).toMatchObject({
      console: 'sim',
      trigger: 'xen-panic',
      keys: 'hdrq',
      halted: false,
      inputRestored: true,
      error: null,
    });
    expect(written.findings).toBeGreaterThan(0);
    expect(sim.ran).toEqual(['h', 'd', 'r', 'q']);
    expect(sim.inputTarget).toBe('dom0');

    const folder = join(w.out, written.folder);
    expect(written.folder).toMatch(/^sim\/incidents\/\d{8}T\d{6}Z-xen-panic$/);
    expect(readdirSync(folder).sort()).toEqual([
      'captures.json',
      'incident.json',
      'report.json',
      'report.md',
      'slice.raw',
    ]);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(folder)) expect(statSync(join(folder, f)).mode & 0o777).toBe(0o600);
    const slice = readFileSync(join(folder, 'slice.raw'));
    expect(slice.toString('latin1')).toContain('Panic on CPU 0:');
    const captures = JSON.parse(readFileSync(join(folder, 'captures.json'), 'utf8'));
    const q = captures.captures.find((c: { key: string }) => c.key === 'q');
    expect(slice.subarray(q.rawStart, q.rawEnd).toString('latin1')).toContain(
      "'q' pressed -> dumping domain info",
    );
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8'));
    expect(report.findings.map((f: { headline: string }) => f.headline).join('\n')).toMatch(/panic/i);
    const incident = JSON.parse(readFileSync(join(folder, 'incident.json'), 'utf8'));
    expect(incident).toMatchObject({ trigger: 'xen-panic', halted: false, inputRestored: true });
    expect(incident.warnings.join('\n')).toMatch(/skipped key\(s\) '0', 'H'/);
  });

  it('the recording holds every byte, the key markers and the incident in one segment', async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    sim.dom0Print(crlf(XEN_PANIC));
    await w.events.next('incident-written');
    const hub = w.watcher.hub('sim')!;
    const segDir = join(w.out, 'sim', 'segments');
    const raws = readdirSync(segDir).filter((f) => f.endsWith('.raw'));
    const total = raws.reduce((n, f) => n + readFileSync(join(segDir, f)).length, 0);
    expect(total).toBe(hub.status().bytes);
    const cast = readFileSync(join(segDir, raws[0]!.replace(/raw$/, 'cast')), 'utf8');
    expect(cast).toContain('"key q: dump domain (and guest debug) info"');
  });

  it('a second trigger while one runs is busy, and within the cooldown is noted only', async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    sim.dom0Print(crlf(XEN_PANIC));
    await w.events.next('trigger', (e) => e.action === 'incident');
    sim.dom0Print(crlf(XEN_PANIC));
    await w.events.next('trigger', (e) => e.action === 'busy');
    await w.events.next('incident-written');
    sim.dom0Print(crlf(XEN_PANIC));
    await w.events.next('trigger', (e) => e.action === 'cooldown');
    expect(w.events.of('incident-written')).toHaveLength(1);
  });

  it('without a cooldown, each new trigger is a new incident (a new folder each)', async () => {
    w = await simWatch(['sim'], { cooldownMs: 0 });
    const sim = w.transports[0]!.simulator!;
    sim.dom0Print(crlf(XEN_PANIC));
    const first = await w.events.next('incident-written');
    const seen = w.events.all.length;
    sim.dom0Print(crlf(DOM0_PANIC.map((l) => l.replace('8.2', '9.2'))));
    const second = await w.events.next('incident-written', () => true, seen);
    expect(second.trigger).toBe('dom0-panic');
    expect(second.folder).not.toBe(first.folder);
  });
});

describe('stopping', () => {
  it('a watcher stopped mid-incident returns input first and still writes the folder', async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    sim.dom0Print(crlf(XEN_PANIC));
    const hub = w.watcher.hub('sim')!;
    await hub.xen!.waitForLine((l) => /^\*\*\* Serial input to Xen/.test(l.text.replace('(XEN) ', '')), {
      timeoutMs: 10_000,
      what: 'the switch to Xen',
    });
    const { watcher, events } = w;
    w = null;
    await watcher.stop('test stops it');
    expect(sim.inputTarget).toBe('dom0');
    const written = events.of('incident-written');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ inputRestored: true, halted: false });
    expect(events.all.at(-1)?.type).toBe('stopped');
  });
});

describe('provenance', () => {
  it('a Xen panic dom0 prints in answer to a typed command is replay: no incident', async () => {
    w = await simWatch(['sim'], {}, {});
    const sim = w.transports[0]!.simulator!;
    const hub = w.watcher.hub('sim')!;
    const seat = hub.claimWriter('test')!;
    await seat.write(bytes('xl dmesg\r'));
    await w.watcher
      .hub('sim')!
      .xen!.waitForLine((l) => l.text.includes('not found'), { timeoutMs: 5_000, what: 'the shell' });
    sim.dom0Print(crlf(XEN_PANIC));
    const t = await w.events.next('trigger');
    expect(t).toMatchObject({ trigger: 'xen-panic', action: 'ignored' });
    expect(t.reason).toMatch(/command typed at dom0/);
    seat.dispose();
  });

  it("a Xen alarm in the output of a key typed at Xen is replay ('w' prints Xen's old ring)", async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    const hub = w.watcher.hub('sim')!;
    const seat = hub.claimWriter('test')!;
    const atXen = hub.xen!.waitForLine((l) => /Serial input to Xen/.test(l.text), {
      timeoutMs: 5_000,
      what: 'Xen',
    });
    await seat.write(bytes('\x01\x01\x01'));
    await atXen;
    await seat.write(bytes('w'));
    sim.dom0Print(crlf(XEN_PANIC)); // what `w` would print: the ring, an old panic in it
    const t = await w.events.next('trigger');
    expect(t).toMatchObject({ trigger: 'xen-panic', action: 'ignored' });
    await seat.write(bytes('\x01\x01\x01'));
    seat.dispose();
  });

  it('a dom0 panic typed into being at dom0 is live: an incident', async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    const seat = w.watcher.hub('sim')!.claimWriter('test')!;
    sim.dom0Print(crlf(['[    7.919255] Run /init as init process']));
    await seat.write(bytes('echo c > /proc/sysrq-trigger\r'));
    sim.dom0Print(crlf(DOM0_PANIC));
    expect(await w.events.next('trigger')).toMatchObject({ trigger: 'dom0-panic', action: 'incident' });
    await w.events.next('incident-written');
    seat.dispose();
  });
});

describe('the writer seat', () => {
  it('one writer at a time; writes are refused while an incident runs', async () => {
    w = await simWatch();
    const sim = w.transports[0]!.simulator!;
    const hub = w.watcher.hub('sim')!;
    const seat = hub.claimWriter('alice')!;
    expect(hub.claimWriter('bob')).toBeNull();
    expect(hub.status().writer).toBe('alice');
    sim.dom0Print(crlf(XEN_PANIC));
    await w.events.next('trigger', (e) => e.action === 'incident');
    expect(hub.status().incidentRunning).toBe(true);
    await expect(seat.write(bytes('x'))).rejects.toThrow(/incident is running/);
    await w.events.next('incident-written');
    await seat.write(bytes('echo $((6*7))\r'));
    seat.dispose();
    await expect(seat.write(bytes('x'))).rejects.toThrow(/given up/);
    expect(hub.claimWriter('bob')).not.toBeNull();
  });
});

describe('silence', () => {
  it('--on-silence starts an incident when the console says nothing', async () => {
    w = await simWatch(['sim'], { silenceMs: 400 });
    const t = await w.events.next('trigger');
    expect(t).toMatchObject({ trigger: 'silence', action: 'incident' });
    const written = await w.events.next('incident-written');
    expect(existsSync(join(w.out, written.folder, 'captures.json'))).toBe(true);
  });
});
