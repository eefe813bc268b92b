// The HTML report in a real browser (Debian's headless Chromium, installed by test/lab/provision.sh):
// for real recordings and the synthetic busy host, the page must render (a PNG of the window's size
// that is not blank), its DOM must hold the platform, the events and the domains table after the
// optional script ran, it must follow dark mode, and print to PDF. Part of the `lab` project.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/session-reader.js';
import { reportFromLines } from '../../src/report/build.js';
import { reportFromRecording } from '../../src/report/from-recording.js';
import type { Report } from '../../src/report/model.js';
import { renderHtml } from '../../src/report/render-html.js';
import { hungHostLines } from '../report/synthetic.js';
import { decodePng, pixelAt, shareUnlike } from './png.js';

const CHROMIUM = process.env['XENKEYS_CHROMIUM'] ?? 'chromium';
const ROOT = path.resolve(import.meta.dirname, '../../recordings');
const WIDTH = 1280;
const HEIGHT = 2000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'xk-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One headless Chromium run with its own throwaway profile; resolves with what it printed. */
function chromium(args: string[]): Promise<string> {
  const profile = mkdtempSync(path.join(dir, 'profile-'));
  const argv = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, argv, { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
        reject(new Error(`${CHROMIUM} not found: run test/lab/provision.sh (it installs Debian's chromium)`));
      else if (error) reject(new Error(`${CHROMIUM} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function page(name: string, report: Report): Promise<{ url: string; file: string }> {
  const file = path.join(dir, `${name}.html`);
  writeFileSync(file, renderHtml(report));
  return { url: pathToFileURL(file).href, file };
}

async function screenshot(url: string, name: string, extra: string[] = []): Promise<string> {
  const png = path.join(dir, `${name}.png`);
  await chromium([
    `--screenshot=${png}`,
    `--window-size=${WIDTH},${HEIGHT}`,
    '--hide-scrollbars',
    ...extra,
    url,
  ]);
  return png;
}

const recording = async (name: string): Promise<Report> =>
  reportFromRecording(await readRecording(path.join(ROOT, name, 'session.cast')), 'session.cast');

const CASES: [string, () => Promise<Report>, { domains: boolean; alarm: string | null }][] = [
  ['xen-4.17-credit-sched', () => recording('xen-4.17-credit-sched'), { domains: true, alarm: null }],
  [
    'xen-4.17-dom0-panic-keys',
    () => recording('xen-4.17-dom0-panic-keys'),
    { domains: true, alarm: 'dom0 kernel panic' },
  ],
  ['xen-4.17-smp8-big-dump', () => recording('xen-4.17-smp8-big-dump'), { domains: true, alarm: null }],
  ['xen-4.17-dom0-crash', () => recording('xen-4.17-dom0-crash'), { domains: false, alarm: 'dom0 crashed' }],
  [
    'synthetic-hung-host',
    async () => reportFromLines(hungHostLines(), { kind: 'log', name: 'hung-host.log' }),
    { domains: true, alarm: 'Assertion failed on CPU 6' },
  ],
];

describe.each(CASES)('the HTML report of %s in Chromium', (name, build, expected) => {
  it('renders: a screenshot of the window size, mostly not background', async () => {
    const { url } = await page(name, await build());
    const png = decodePng(readFileSync(await screenshot(url, name)));
    expect([png.width, png.height]).toEqual([WIDTH, HEIGHT]);
    // The light page background, and a good share of the window drawn over it (cards, text, charts).
    expect(pixelAt(png, 2, HEIGHT - 2).every((c) => c > 200)).toBe(true);
    expect(shareUnlike(png, pixelAt(png, 2, HEIGHT - 2))).toBeGreaterThan(0.25);
    expect(shareUnlike(png, [255, 255, 255])).toBeGreaterThan(0.02);
  });

  it('has the platform, the events and the domains table in its DOM, with the script run', async () => {
    const { url } = await page(name, await build());
    const dom = await chromium(['--dump-dom', url]);
    expect(dom).toContain('<h2 id="platform-h">Platform</h2>');
    expect(dom).toContain('<dt>Xen</dt><dd>4.17.7');
    expect(dom).toContain('<h2 id="events-h">Events</h2>');
    if (expected.alarm)
      expect(dom).toMatch(new RegExp(`<article class="event critical"><h3>${expected.alarm}`));
    else expect(dom).toContain('No panic, fatal trap, assertion, watchdog or crash was seen.');
    if (expected.domains)
      expect(dom).toMatch(/<caption>Domains<\/caption><thead><tr><th scope="col">domain<\/th>/);
    // The optional script ran without error: it adds the expand-all button.
    if (dom.includes('class="verbatim"')) expect(dom).toContain('>Expand all output</button>');
  });
});

describe('the HTML report in Chromium, dark and printed', () => {
  it('follows prefers-color-scheme: dark', async () => {
    const { url } = await page('dark', await recording('xen-4.17-credit-sched'));
    const png = decodePng(
      readFileSync(
        await screenshot(url, 'dark', ['--force-dark-mode', '--blink-settings=preferredColorScheme=0']),
      ),
    );
    expect(pixelAt(png, 2, HEIGHT - 2).every((c) => c < 60)).toBe(true);
    expect(shareUnlike(png, pixelAt(png, 2, HEIGHT - 2))).toBeGreaterThan(0.25);
  });

  it('prints to PDF', async () => {
    const { url } = await page('print', await recording('xen-4.17-dom0-panic-keys'));
    const pdf = path.join(dir, 'print.pdf');
    await chromium([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer', url]);
    expect(readFileSync(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(statSync(pdf).size).toBeGreaterThan(20_000);
  });
});
