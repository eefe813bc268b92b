// `xenkeys report --bundle DIR`: what a reporter mails to xen-devel. The real lab log of a pinned
// spinning domU (test/fixtures/lab/README.md) and a real public assertion log with console control
// bytes planted in it: a private folder, the raw bytes copied exactly, and a text that reads as a mail
// (short lines, no control bytes, valid UTF-8) with the findings, the Xen facts and the call trace.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';

const env = { NO_COLOR: '1' };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'xk-bundle-'));
const SPIN = path.join(ROOT, 'test/fixtures/lab/xen-4.17-spin-pinned.serial.log');
const ASSERTION = path.join(ROOT, 'test/fixtures/public/xen-4.18-assertion-nested-svm.log');

const mode = (file: string): number => lstatSync(file).mode & 0o777;

/** What a mail needs: lines ≤ 78 columns, UTF-8, no C0/C1 controls (tab included) or bidi overrides. */
function expectMailReadable(bytes: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  const long = text.split('\n').filter((l) => [...l].length > 78);
  expect(long).toEqual([]);
  expect(text.endsWith('\n')).toBe(true);
  return text;
}

describe('report --bundle', () => {
  it('writes a 0700 folder with a mail-ready text (findings first) and the raw log, byte for byte', async () => {
    const dir = path.join(tmp, 'spin');
    const run = await runCli(['report', SPIN, '--bundle', dir, '--no-xen-syms'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`bug-report bundle in ${dir}`);
    expect(readdirSync(dir).sort()).toEqual(['xen-4.17-spin-pinned.serial.log', 'xen-report.txt']);
    expect(mode(dir)).toBe(0o700);
    for (const f of readdirSync(dir)) expect(mode(path.join(dir, f)), f).toBe(0o600);
    expect(readFileSync(path.join(dir, 'xen-4.17-spin-pinned.serial.log')).equals(readFileSync(SPIN))).toBe(
      true,
    );

    const mail = expectMailReadable(readFileSync(path.join(dir, 'xen-report.txt')));
    const findings = mail.indexOf('\nFindings\n');
    expect(findings).toBeGreaterThan(0);
    expect(findings).toBeLessThan(mail.indexOf('\nXen\n'));
    expect(mail).toMatch(/^Suggested subject: Xen 4\.17\.7: domain 1 vCPU 1 \(d1v1\) did not move/);
    expect(mail).toContain('WARNING  domain 1 vCPU 1 (d1v1) did not move: it held CPU 1 in both `r`');
    expect(mail).toContain('Build id: 151b373fd64b321593bf987fd923cd10dabadac4');
    expect(mail).toMatch(/Command line: console=com1 com1=115200,8n1 loglvl=all/);
    // The trace, unresolved here (no xen-syms), says how to resolve it.
    expect(mail).toContain('[<ffff82d040204986>] x86_64/entry.S#process_softirqs+0x6/0x20');
    expect(mail).toContain('Not resolved: no xen-syms was given or found');
    // The excerpt of the evidence line, numbered as the evidence names it.
    expect(mail).toMatch(/\n {3}69 \*\*\* Dumping CPU1 guest state \(d1v1\): \*\*\*\n/);
  });

  it('shows planted terminal controls and bidi overrides, never passes them on', async () => {
    const log = readFileSync(ASSERTION, 'utf8').replaceAll(
      "Assertion 'vmcb->_vintr.fields.vgif == 0'",
      "Assertion '\u001b]0;owned\u0007vmcb\u202e->_vintr\u001b[2J.fields.vgif == 0'",
    );
    const input = path.join(tmp, 'planted.log');
    writeFileSync(input, log);
    const dir = path.join(tmp, 'planted');
    const run = await runCli(['report', input, '--bundle', dir], { env });
    expect(run.code, run.stderr).toBe(0);
    const mail = expectMailReadable(readFileSync(path.join(dir, 'xen-report.txt')));
    expect(mail).toMatch(/^CRITICAL {2}Xen assertion failed/m);
    // The escape sequences are gone (the parser drops them), the bidi override is shown by name.
    expect(mail).toContain("Assertion 'vmcb\\u202e->_vintr.fields.vgif == 0'");
    expect(mail).toContain('Call traces');
    // The crash as the raw log has it, by that file's line numbers: the dump to the panic box's end.
    expect(mail).toMatch(/\n {4}8 Assertion '.*vmcb/);
    expect(mail).toContain('\n   51 Panic on CPU 2:\n');
    // The copy is the raw log as it was, controls and all: evidence, not display.
    expect(readFileSync(path.join(dir, 'planted.log'), 'utf8')).toBe(log);
  });

  it("quotes dom0's panic from the recording's raw log, by its line numbers, to Linux's end marker", async () => {
    const dir = path.join(tmp, 'dom0-crash');
    const run = await runCli(['report', path.join(ROOT, 'recordings/xen-4.17-dom0-crash'), '--bundle', dir], {
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['session.raw', 'xen-report.txt']);
    const mail = expectMailReadable(readFileSync(path.join(dir, 'xen-report.txt')));
    expect(mail).toMatch(/^CRITICAL {2}dom0 kernel panic: sysrq triggered crash$/m);
    expect(mail).toContain('-- session.raw, lines 511–557');
    expect(mail).toContain('  514 [    8.293854] Kernel panic - not syncing: sysrq triggered crash\n');
    expect(mail).toContain("  556 Hardware Dom0 crashed: 'noreboot' set - not rebooting.\n");
  });

  it('uses an empty folder, refuses a non-empty one or a link, and writes nothing when it refuses', async () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    expect((await runCli(['report', SPIN, '--bundle', empty, '--no-xen-syms'], { env })).code).toBe(0);
    expect(readdirSync(empty)).toContain('xen-report.txt');

    const again = await runCli(['report', SPIN, '--bundle', empty, '--no-xen-syms'], { env });
    expect(again.code).toBe(16);
    expect(again.stderr).toContain(`${empty} is not empty`);

    const link = path.join(tmp, 'link');
    symlinkSync(path.join(tmp, 'elsewhere'), link);
    const linked = await runCli(['report', SPIN, '--bundle', link, '--no-xen-syms'], { env });
    expect(linked.code).toBe(16);
    expect(linked.stderr).toContain('is not a folder');

    const both = await runCli(['report', SPIN, '--bundle', path.join(tmp, 'both'), '-o', 'r.json'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--bundle writes its own files');
    expect(() => lstatSync(path.join(tmp, 'both'))).toThrow();

    const missing = path.join(tmp, 'never');
    const bad = await runCli(['report', path.join(tmp, 'no-such.log'), '--bundle', missing], { env });
    expect(bad.code).toBe(14);
    expect(() => lstatSync(missing)).toThrow();
  });

  it('keeps standard input as the raw log', async () => {
    const dir = path.join(tmp, 'stdin');
    const child = spawn(process.execPath, [BIN, 'report', '-', '--bundle', dir, '--no-xen-syms'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    child.stdin.end(readFileSync(SPIN));
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, 'stdin.log')).equals(readFileSync(SPIN))).toBe(true);
    expect(readFileSync(path.join(dir, 'xen-report.txt'), 'utf8')).toContain('standard input');
  });
});
