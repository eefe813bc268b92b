// `report --dom0-map`: what it refuses, hermetically (binutils' nm on this machine's own binaries). The
// naming itself is tested on the lab dom0's real symbols (test/report/dom0-map.test.ts) and live
// (test/lab/dom0-map.lab.test.ts).

import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const env = { NO_COLOR: '1' };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'xk-dom0map-'));
const RECORDING = path.join(ROOT, 'recordings/xen-4.17-dom0-panic-keys');

describe('report --dom0-map refuses what cannot name dom0 frames', () => {
  it('a stripped ELF (a distribution vmlinux): says where the symbols are', async () => {
    const run = await runCli(['report', RECORDING, '--no-xen-syms', '--dom0-map', '/bin/true'], { env });
    expect(run.code).toBe(14);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('/bin/true has no symbols (a stripped vmlinux)');
    expect(run.stderr).toContain('linux-image-…-dbg');
  });

  it('a text file with no text symbols, a link, a missing file', async () => {
    const text = path.join(tmp, 'notes.txt');
    writeFileSync(text, 'System.map? no: just words\n');
    const link = path.join(tmp, 'System.map');
    symlinkSync(text, link);
    const cases: [string, string][] = [
      [text, `${text} is not a System.map: no text symbols in it`],
      [link, `${link} is not a plain file (symlinks are not followed)`],
      [path.join(tmp, 'none'), 'no such file'],
    ];
    for (const [file, says] of cases) {
      const run = await runCli(['report', RECORDING, '--findings', '--no-xen-syms', '--dom0-map', file], {
        env,
      });
      expect(run.code, file).toBe(14);
      expect(run.stderr, file).toContain(says);
    }
  });
});

describe("report --dom0-map on the lab dom0's real `0` dump and kallsyms (test/fixtures/lab/README.md)", () => {
  const raw = path.join(ROOT, 'test/fixtures/lab/xen-4.17-dom0-0-key.raw');
  const map = path.join(ROOT, 'test/fixtures/lab/dom0-6.1.0-57-amd64.kallsyms-cut.map');

  it('names the frames in report.json written on two threads, and in --findings text', async () => {
    const out = path.join(tmp, 'report.json');
    const run = await runCli(['report', raw, '--no-xen-syms', '--dom0-map', map, '-o', out], { env });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.dom0Symbols).toMatchObject({ kind: 'system-map', file: path.basename(map) });
    expect(report.findings.filter((f) => f.id === 'dom0-stack').map((f) => f.vcpu)).toEqual(['d0v0', 'd0v1']);
    const text = await runCli(['report', raw, '--findings', '--no-xen-syms', '--dom0-map', map], { env });
    expect(text.stdout).toContain('[<ffffffff81027761>] 0xffffffff81027761  at xen_safe_halt+0x11/0x20');
  });
});
