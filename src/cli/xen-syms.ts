// Resolving the findings' Xen addresses with a xen-syms file (the unstripped hypervisor with its symbols):
// the file given with --xen-syms, or one found in /usr/lib/debug/boot/ or /boot/ whose build id is the
// one Xen printed. binutils does the work, at the edge: `readelf -n` for the build id, and ONE
// symboliser for every address of the report (read from its stdin as the report finds them,
// symboliser-run.ts), never one per address.

import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { XenkeysError } from '../core/errors.js';
import type { FindingsDigest } from '../report/findings/digest.js';
import { addressesOf, sourceText, withSymbols } from '../report/findings/frames.js';
import { kernelSymbol, parseSystemMap } from '../report/findings/kernel-map.js';
import type { SymbolLocation } from '../report/findings/model.js';
import {
  isExactFrame,
  lookupAddress,
  normalAddress,
  parseBuildId,
  symbolMap,
} from '../report/findings/symbols.js';
import type { Report } from '../report/model.js';
import { SymboliserRun } from './symboliser-run.js';

export const SYMS_DIRS = ['/usr/lib/debug/boot', '/boot'];

export interface SymsOptions {
  /** --xen-syms FILE; undefined: look in SYMS_DIRS; false (--no-xen-syms): don't. */
  file?: string | false;
  dirs?: readonly string[];
  /** Where warnings go (stderr). */
  warn?: (message: string) => void;
}

/**
 * Fills report.findings' frames with source locations and sets report.symbols; may refuse the file.
 * `digest`: the one the report's findings were made from (reportFromInputs' onDigest), for its addresses.
 */
export async function symbolise(
  report: Report,
  digest: FindingsDigest | null,
  options: SymsOptions,
): Promise<void> {
  await startSymbols(options).finish(report, digest);
}

/**
 * Symbols for a report still being read: a given file is checked (`readelf`) at once, and its
 * symboliser starts on the dumps' addresses as the report finds them (`add`), so the file is loaded
 * while the log is read. `finish` does the rest (the build id Xen printed, the addresses only known at
 * the end); `stop` ends what was started when the report fails.
 */
export interface SymbolSession {
  add(address: string): void;
  finish(report: Report, digest: FindingsDigest | null): Promise<void>;
  stop(): void;
}

export function startSymbols(options: SymsOptions): SymbolSession {
  const given = options.file;
  if (given === false) return { add: () => undefined, finish: async () => undefined, stop: () => undefined };
  // A given file goes to the symboliser only once readelf has read it as a plain file (never a link);
  // the addresses found before then wait.
  const early = given === undefined ? null : new SymboliserRun(given);
  let waiting: string[] | null = [];
  const checked =
    given === undefined
      ? null
      : buildIdOf(given, true).then((id) => {
          early?.add(waiting ?? []);
          waiting = null;
          return id;
        });
  checked?.catch(() => undefined); // thrown by finish(), after the report, as before
  return {
    add(address) {
      if (!early) return;
      if (waiting) waiting.push(address);
      else early.add([address]);
    },
    async finish(report, digest) {
      try {
        const file = await fileFor(report, options, checked);
        if (file === null) return early?.stop();
        await symbolsOf(report, digest, file, early ?? new SymboliserRun(file.path));
      } catch (error) {
        early?.stop();
        throw error;
      }
    },
    stop: () => early?.stop(),
  };
}

/** The xen-syms to use and its build id: the one given (refused unless Xen printed its build id), or a match found. */
async function fileFor(
  report: Report,
  options: SymsOptions,
  checked: Promise<string | null> | null,
): Promise<{ path: string; buildId: string | null } | null> {
  const printed = report.platform.buildId?.toLowerCase() ?? null;
  const warn = options.warn ?? (() => undefined);
  if (typeof options.file === 'string' && checked) {
    const file = options.file;
    const fileId = await checked;
    if (printed !== null && fileId !== printed)
      throw new XenkeysError(
        'bad-input',
        `${file} is not the Xen that printed this log: its build id is ${fileId ?? 'missing'}, Xen printed build-id: ${printed}.`,
        {
          hint: 'Use the xen-syms of exactly that build (Debian: the xen-hypervisor-…-dbg package of the same version, /usr/lib/debug/boot/xen-syms-*).',
        },
      );
    if (printed === null)
      warn(
        `xenkeys: the log has no "build-id:" line, so ${path.basename(file)} could not be checked against it.`,
      );
    return { path: file, buildId: fileId };
  }
  if (printed === null) return null;
  const found = await discover(options.dirs ?? SYMS_DIRS, printed);
  return found === null ? null : { path: found, buildId: printed };
}

async function symbolsOf(
  report: Report,
  digest: FindingsDigest | null,
  file: { path: string; buildId: string | null },
  run: SymboliserRun,
): Promise<void> {
  const addresses = [
    ...new Set([
      ...addressesOf(report.findings),
      ...report.events.flatMap((e) => (e.callTrace ?? []).map((f) => f.address.toLowerCase())),
      ...(digest?.xenAddresses ?? []),
    ]),
  ];
  // A Linux frame without an address (dom0's `? _printk`) has nothing to look up: given to the
  // symboliser as `0x` it would shift the answers after it, and it would cost an `nm` run for nothing.
  const exact = new Set(exactOf(report, digest).map(normalAddress));
  const asked = addresses
    .filter((a) => /^(?:0x)?[0-9a-f]+$/i.test(a))
    .map((a) => lookupAddress(a, exact.has(normalAddress(a))));
  const resolved = await run.answers(asked);
  await nameTheRest(file.path, asked, resolved);
  const map = symbolMap(resolved, addresses, exact);
  report.findings = withSymbols(report.findings, map);
  const frames: Record<string, string> = {};
  for (const [address, locations] of map) frames[address] = sourceText(locations);
  report.symbols = {
    file: path.basename(file.path),
    buildId: file.buildId,
    addresses: addresses.length,
    resolved: map.size,
    frames,
  };
}

/**
 * The addresses looked up as printed (isExactFrame): the findings' RIPs (a panic's is its trace's `R`
 * frame), the `d` dumps', and frames at a function's first byte. Every other is a return address.
 */
function exactOf(report: Report, digest: FindingsDigest | null): string[] {
  const frames = [
    ...report.findings.flatMap((f) => f.trace),
    ...report.events.flatMap((e) => e.callTrace ?? []),
  ];
  return [
    ...report.findings.flatMap((f) => (f.rip ? [f.rip.address] : [])),
    ...frames.filter((f) => isExactFrame(f)).map((f) => f.address),
    ...(digest?.xenExact ?? []),
  ];
}

/** A xen-syms* in the directories whose build id is `buildId`; unreadable candidates are skipped. */
async function discover(dirs: readonly string[], buildId: string): Promise<string | null> {
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names
      .filter((n) => /^xen-syms/.test(n))
      .sort()
      .reverse()) {
      const file = path.join(dir, name);
      // Not through a symlink someone else could point anywhere; a plain file only.
      const st = await lstat(file).catch(() => null);
      if (!st?.isFile()) continue;
      if ((await buildIdOf(file, false).catch(() => null)) === buildId) return file;
    }
  }
  return null;
}

async function buildIdOf(file: string, explicit: boolean): Promise<string | null> {
  const st = await lstat(file).catch(() => null);
  if (!st) throw new XenkeysError('bad-input', `cannot read ${file}: no such file`);
  if (!st.isFile())
    throw new XenkeysError('bad-input', `${file} is not a plain file (symlinks are not followed)`);
  const notes = await run('readelf', ['-n', '--', file], null, explicit);
  return parseBuildId(notes);
}

/**
 * Addresses the symboliser left nameless (`??`: assembler labels with no size, say), named the way Xen
 * names them, by the nearest text symbol below: one `nm -n` per report, and only when one is left.
 */
async function nameTheRest(
  file: string,
  addresses: readonly string[],
  resolved: Map<string, SymbolLocation[]>,
): Promise<void> {
  const rest = addresses.filter((a) => !resolved.get(normalAddress(a))?.some((l) => l.function !== null));
  if (rest.length === 0) return;
  const map = parseSystemMap(await run('nm', ['-n', '--defined-only', '--', file], null, true));
  for (const a of rest) {
    const name = kernelSymbol(map, normalAddress(a));
    if (name === null) continue;
    const file = resolved.get(normalAddress(a))?.find((l) => l.file !== null)?.file ?? null;
    resolved.set(normalAddress(a), [{ function: name.replace(/\+.*$/, ''), file, line: null }]);
  }
}

export function run(tool: string, args: string[], input: string | null, explicit: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      tool,
      args,
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new XenkeysError(
            missing ? 'tool-missing' : 'bad-input',
            missing ? `${tool} is not installed` : `${tool} failed: ${stderr.trim() || error.message}`,
            {
              hint: missing
                ? 'Install binutils (apt-get install binutils) to resolve Xen addresses.'
                : explicit
                  ? 'Is it an ELF xen-syms file?'
                  : undefined,
              cause: error,
            },
          ),
        );
      },
    );
    if (input !== null) child.stdin?.end(input);
  });
}
