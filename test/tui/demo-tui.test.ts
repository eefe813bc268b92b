// The real TUI on the simulated Xen console (`xenkeys demo` in a pty, screen read through a
// headless xterm): the status line follows Xen's own messages, keys reach the wire byte-exact, the
// key menu and dangerous-key dialog work, the side panel shows captures, and quitting restores dom0.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCast } from '../../src/record/asciicast.js';
import { BIN, TuiDriver } from '../helpers/tui-driver.js';

const CTRL_A = '\x01';
const PREFIX = '\x1d'; // Ctrl-]

let driver: TuiDriver | null = null;
let dir = '';

function start(extra: string[] = [], size = { cols: 100, rows: 30 }): TuiDriver {
  dir = mkdtempSync(join(tmpdir(), 'xenkeys-tui-'));
  driver = TuiDriver.spawn(['demo', '--out', dir, '--record-input', ...extra], size);
  return driver;
}

function cast(name = 'session.cast') {
  return parseCast(readFileSync(join(dir, name), 'utf8'), { source: name });
}

/** Every byte that reached the wire, in order (the cast's 'i' events, recorded with --record-input). */
function wireInput(name?: string): string {
  return cast(name)
    .events.filter((e) => e.code === 'i')
    .map((e) => e.data)
    .join('');
}

async function quit(d: TuiDriver): Promise<number> {
  d.press(`${PREFIX}q`);
  return (await d.waitForExit()).exitCode;
}

afterEach(() => {
  driver?.kill();
  driver = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('xenkeys demo on a terminal', () => {
  it('says it is simulated, and the status line follows Xen: ? → XEN → DOM0', async () => {
    const d = start();
    await d.waitForStatus(/input: \? .*SIMULATED/);
    expect(d.screenText().split('\n')[0]).toMatch(/SIMULATED Xen console/);
    for (let i = 0; i < 3; i++) d.press(CTRL_A);
    await d.waitForStatus(/input: XEN/);
    await d.waitForScreen(/\*\*\* Serial input to Xen/);
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: DOM0/);
    expect(await quit(d)).toBe(0);
    // Six presses, six bytes on the wire, nothing in between.
    expect(wireInput()).toBe(CTRL_A.repeat(6));
  });

  it("lists the host's own keys after h, and shows a capture in the side panel", async () => {
    const d = start();
    await d.waitForStatus(/input: \?/);
    d.press(`${PREFIX}k`);
    await d.waitForScreen(/debug keys[\s\S]*built-in Xen 4\.17 table[\s\S]*C +trigger a crashdump/);
    d.press('h');
    await d.waitForScreen(/key h: show this message/);
    d.press(`${PREFIX}k`);
    // This Xen 4.17 build lists 31 keys: no 'C' (crashdump), which the built-in table has.
    const hostMenu = await d.waitForScreen(/this host's own 'h' list[\s\S]*of 31 ·/);
    expect(hostMenu).toMatch(/A +toggle alternative key handling[\s\S]*G +toggle host/);
    d.press('\x1b[F'); // End: the last of the host's keys
    await d.waitForScreen(/z +dump IOAPIC info/);
    d.press('q');
    const screen = await d.waitForScreen(/key q: dump domain[\s\S]*lines +27/);
    expect(screen).toMatch(/General information for domain/);
    // Input was at dom0 (learned from Xen's reply) and the menu put it back there.
    await d.waitForStatus(/input: DOM0/);
    expect(await quit(d)).toBe(0);
    const labels = cast()
      .events.filter((e) => e.code === 'm')
      .map((e) => e.data);
    expect(labels).toContain('key q: dump domain (and guest debug) info');
  });

  it('asks before a dangerous key, and "no" sends nothing', async () => {
    const d = start();
    await d.waitForStatus(/input: \?/);
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: XEN/);
    d.press(`${PREFIX}k`);
    await d.waitForScreen(/debug keys/);
    d.press('R');
    await d.waitForScreen(/'R' is destructive[\s\S]*reboot machine/);
    d.press('n');
    await d.waitForStatus(/'R' not sent/);
    // Typed straight at Xen, the guard holds it back and the same question comes up.
    d.press('R');
    await d.waitForScreen(/'R' is destructive/);
    d.press('\x1b');
    await d.waitForStatus(/'R' not sent/);
    // A safe key typed at Xen goes through: its output proves the line is live.
    d.press('h');
    await d.waitForScreen(/show this message/);
    expect(await quit(d)).toBe(0);
    const wire = wireInput();
    expect(wire).not.toContain('R');
    expect(wire).toBe(`${CTRL_A.repeat(3)}h${CTRL_A.repeat(3)}`);
    expect(cast().events.some((e) => e.code === 'm' && e.data.startsWith('key R'))).toBe(false);
  });

  it('sends a dangerous key after an explicit yes', async () => {
    const d = start();
    await d.waitForStatus(/input: \?/);
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: XEN/);
    d.press('R');
    await d.waitForScreen(/'R' is destructive/);
    d.press('y');
    await d.waitForStatus(/'R' sent to Xen/);
    expect(await quit(d)).toBe(0);
    expect(wireInput()).toBe(`${CTRL_A.repeat(3)}R${CTRL_A.repeat(3)}`);
  });

  it('quitting returns input to dom0, as the cast written during the session says', async () => {
    const d = start([], { cols: 80, rows: 24 });
    await d.waitForStatus(/input: \?/);
    d.press(CTRL_A.repeat(3));
    await d.waitForStatus(/input: XEN/);
    expect(await quit(d)).toBe(0);
    const inputs = cast()
      .events.filter((e) => e.code === 'm' && e.data.startsWith('input '))
      .map((e) => e.data);
    expect(inputs.at(-1)).toBe('input dom0');
    expect(d.raw).toContain('input is back on dom0');
  });

  it('redraws at 80×24 and larger, status line and banner kept', async () => {
    const d = start();
    await d.waitForStatus(/input: \?/);
    d.resize(80, 24);
    await d.waitForScreen(/^ SIMULATED[^\n]*(\n[^\n]*){22}\n input: \?/);
    d.press(`${PREFIX}kq`);
    await d.waitForScreen(/side panel[\s\S]*key q: dump/);
    await d.waitForStatus(/input: DOM0/);
    d.resize(160, 48);
    const screen = await d.waitForScreen(/(\n[^\n]*){46}\n input: DOM0 .*SIMULATED.*rec .*session\.cast/);
    expect(screen.split('\n')[0]).toMatch(/SIMULATED Xen console/);
    await d.waitForScreen(/\*\*\* Serial input to DOM0/);
    expect(await quit(d)).toBe(0);
  });

  it('searches the scrollback and shows the help panel', async () => {
    const d = start();
    await d.waitForStatus(/input: \?/);
    d.press(`${PREFIX}kd`);
    await d.waitForScreen(/key d: dump registers/);
    await d.waitForStatus(/input: DOM0/);
    d.press(`${PREFIX}/`);
    await d.waitForScreen(/search scrollback/);
    d.press('Dumping CPU0\r');
    await d.waitForStatus(/scrollback: \d+ lines up · "Dumping CPU0"/);
    d.press('\x1b');
    await d.waitForStatus(/input: DOM0(?!.*scrollback)/);
    d.press(`${PREFIX}?`);
    await d.waitForScreen(/help[\s\S]*x +switch input[\s\S]*k +debug-key menu[\s\S]*q +quit/);
    d.press('\x1b'); // Esc closes it (Space pages down when the help is taller than the screen)
    await d.waitForScreen(/^(?![\s\S]*debug-key menu)/);
    expect(await quit(d)).toBe(0);
  });

  it('runs a preset with progress, and toggles recording into a new file', async () => {
    const d = start();
    await d.waitForStatus(/input: \?/);
    d.press(`${PREFIX}p`);
    await d.waitForScreen(/capture preset[\s\S]*quick/);
    d.press('2');
    await d.waitForScreen(/preset quick: 4\/4 keys/, 15_000);
    await d.waitForStatus(/input: DOM0/);
    d.press(`${PREFIX}r`);
    await d.waitForStatus(/not recording/);
    d.press(`${PREFIX}r`);
    await d.waitForStatus(/rec \S+\/session-2\.cast/);
    d.press(`${PREFIX}${PREFIX}`);
    expect(await quit(d)).toBe(0);
    const keys = cast()
      .events.filter((e) => e.code === 'm' && /^key . end/.test(e.data))
      .map((e) => e.data[4]);
    expect(keys).toEqual(['h', 'q', 'r', 'd']);
    // Ctrl-] twice sends Ctrl-] once; the new file starts by saying where input is.
    expect(wireInput('session-2.cast')).toBe('\x1d');
    expect(cast('session-2.cast').events[0]).toMatchObject({ code: 'm', data: 'input dom0' });
  });
});

describe('without a terminal', () => {
  const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) =>
      execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
      ),
    );

  it('demo keeps the scripted capture when stdout is a pipe', async () => {
    dir = mkdtempSync(join(tmpdir(), 'xenkeys-tui-'));
    const { code, stdout } = await run(['demo', '--keys', 'q', '--out', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain('This console is SIMULATED');
    expect(stdout).toMatch(/── key 'q': dump domain \(and guest debug\) info — 27 lines/);
  });

  it('connect says it needs a terminal (exit 2) and points at capture', async () => {
    const { code, stderr } = await run(['connect', '--tcp', '127.0.0.1:9']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/connect is interactive[\s\S]*xenkeys capture/);
  });
});
