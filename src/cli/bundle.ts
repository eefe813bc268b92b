// `xenkeys report --bundle DIR`: a new private folder (0700) holding xen-report.txt, the mail-ready
// text (report/bundle/mail.ts), and a byte-for-byte copy of each raw log read (0600 files, made new,
// never through a link). A folder already there is used only when empty. The report is made first,
// so a refused xen-syms or an unreadable input leaves nothing behind.

import { closeSync, lstatSync, readdirSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { XenkeysError } from '../core/errors.js';
import { writeAllSync, createNewFile, makePrivateDir, writeFileAtomically } from '../record/safe-files.js';
import { type BundleFile, bundleMail } from '../report/bundle/mail.js';
import type { FindingsDigest } from '../report/findings/digest.js';
import type { Report } from '../report/model.js';
import { reportFromInputs } from './report-input.js';
import { VERSION } from './version.js';

export const MAIL_NAME = 'xen-report.txt';

export interface BundleResult {
  dir: string;
  files: string[];
}

export async function writeBundle(
  dir: string,
  given: readonly string[],
  stdin: NodeJS.ReadableStream,
  symbolise: (report: Report, digest: FindingsDigest | null) => Promise<void>,
): Promise<BundleResult> {
  refuseUsed(dir);
  // stdin is read once: kept, so the bundle can hold the bytes the report was made from.
  const stdinBytes = given.includes('-') ? await readAll(stdin) : null;
  let digest: FindingsDigest | null = null;
  const report = await reportFromInputs(given, stdinBytes ? Readable.from([stdinBytes]) : stdin, {
    onDigest: (d) => (digest = d),
  });
  await symbolise(report, digest);
  const sources = await Promise.all(given.map(rawOf));
  const names = uniqueNames(sources.map((s) => (s === '-' ? 'stdin.log' : path.basename(s))));
  const files: BundleFile[] = [];
  for (const [i, source] of sources.entries()) {
    const size = source === '-' ? (stdinBytes?.length ?? 0) : (await stat(source)).size;
    files.push({ name: names[i]!, of: source === '-' ? 'standard input' : source, bytes: size });
  }
  const raw = await Promise.all(
    sources.map(async (source, i) => ({
      file: names[i]!,
      lines: await linesOf(source === '-' ? (stdinBytes ?? Buffer.alloc(0)) : source),
    })),
  );
  const mail = bundleMail(report, { version: VERSION, files, raw });

  if (makePrivateDir(dir) === null) refuseUsed(dir);
  for (const [i, source] of sources.entries()) {
    const target = path.join(dir, names[i]!);
    if (source === '-') writeFileAtomically(target, stdinBytes ?? new Uint8Array(), { replace: false });
    else await copyNew(source, target);
  }
  writeFileAtomically(path.join(dir, MAIL_NAME), mail, { replace: false });
  return { dir, files: [MAIL_NAME, ...names] };
}

/** A folder there already may be used only if it is a real, empty folder. */
function refuseUsed(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return;
  }
  if (!st.isDirectory())
    throw new XenkeysError('write-failed', `${dir} exists and is not a folder`, {
      hint: 'Give --bundle a new folder name.',
    });
  if (readdirSync(dir).length > 0)
    throw new XenkeysError(
      'write-failed',
      `${dir} is not empty: xenkeys never mixes a bundle with other files`,
      {
        hint: 'Give --bundle a new (or empty) folder.',
      },
    );
}

/** The raw bytes behind an input: a capture folder's or cast's session.raw when there, else itself. */
async function rawOf(input: string): Promise<string> {
  if (input === '-') return input;
  const info = await stat(input);
  const dir = info.isDirectory() ? input : input.endsWith('.cast') ? path.dirname(input) : null;
  if (dir !== null) {
    const raw = path.join(dir, 'session.raw');
    if ((await stat(raw).catch(() => null))?.isFile()) return raw;
    if (info.isDirectory()) return path.join(dir, 'session.cast');
  }
  return input;
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const safe = n === MAIL_NAME ? `raw-${n}` : n;
    const count = (seen.get(safe) ?? 0) + 1;
    seen.set(safe, count);
    return count === 1 ? safe : `${count}-${safe}`;
  });
}

async function copyNew(from: string, to: string): Promise<void> {
  const fd = createNewFile(to);
  try {
    const source = await open(from, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1024 * 1024);
      for (;;) {
        const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        writeAllSync(fd, buffer.subarray(0, bytesRead));
      }
    } finally {
      await source.close();
    }
  } finally {
    closeSync(fd);
  }
}

/** Logs read whole to find the excerpts' lines; bigger ones are only copied. */
const EXCERPT_READ_LIMIT = 256 * 1024 * 1024;

async function linesOf(source: string | Buffer): Promise<string[]> {
  if (typeof source === 'string' && (await stat(source)).size > EXCERPT_READ_LIMIT) return [];
  const bytes = typeof source === 'string' ? await readFile(source) : source;
  return bytes.toString('utf8').split(/\r*\n/);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts);
}
