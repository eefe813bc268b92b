// ONE symboliser process per report, fed as the report goes: llvm-symbolizer when installed (GNU output,
// the text addr2line prints), else binutils' addr2line; XENKEYS_SYMBOLIZER=addr2line picks addr2line.
// It starts on the first address the dumps print and reads each on its stdin while the report is still
// being read, so at the end only the last addresses are left to answer, not the file to load.

import { spawn, type ChildProcess } from 'node:child_process';
import { XenkeysError } from '../core/errors.js';
import type { SymbolLocation } from '../report/findings/model.js';
import { normalAddress, parseAddr2line } from '../report/findings/symbols.js';

/** What a tool printed before it ended (or why it could not run). */
interface Ended {
  stdout: string;
  stderr: string;
  code: number | null;
  error: NodeJS.ErrnoException | null;
}

/** The most a symboliser may print: far above a report's 8192 addresses. */
const MAX_OUTPUT = 64 * 1024 * 1024;

interface Tool {
  name: 'llvm-symbolizer' | 'addr2line';
  args: (file: string) => string[];
}

const LLVM: Tool = {
  name: 'llvm-symbolizer',
  args: (file) => ['--output-style=GNU', '-a', '-f', '-i', `--obj=${file}`],
};
const ADDR2LINE: Tool = { name: 'addr2line', args: (file) => ['-a', '-f', '-i', '-e', file] };

export class SymboliserRun {
  /** Every address given so far (once each), in order: given again if the first tool is missing. */
  private readonly given: string[] = [];
  private readonly seen = new Set<string>();
  private tool: Tool = process.env['XENKEYS_SYMBOLIZER'] === 'addr2line' ? ADDR2LINE : LLVM;
  /** Started on the first address: a report without any runs no symboliser. */
  private running: { child: ChildProcess; ended: Promise<Ended> } | null = null;

  constructor(private readonly file: string) {}

  /** Addresses to answer; each is read at once (one already given is not given again). */
  add(addresses: readonly string[]): void {
    const fresh = addresses.filter((a) => !this.seen.has(a));
    if (fresh.length === 0) return;
    for (const a of fresh) this.seen.add(a);
    this.given.push(...fresh);
    this.running ??= start(this.tool, this.file);
    this.running.child.stdin?.write(input(fresh));
  }

  /** Ends the input and reads the answers for `addresses` (every one given must be among them). */
  async answers(addresses: readonly string[]): Promise<Map<string, SymbolLocation[]>> {
    this.add(addresses);
    if (!this.running) return new Map();
    this.running.child.stdin?.end();
    let done = await this.running.ended;
    const forced = process.env['XENKEYS_SYMBOLIZER'];
    if (done.error?.code === 'ENOENT' && this.tool === LLVM && forced !== 'llvm-symbolizer') {
      // No llvm-symbolizer here: binutils' addr2line, given everything again.
      this.tool = ADDR2LINE;
      this.running = start(ADDR2LINE, this.file);
      this.running.child.stdin?.end(input(this.given));
      done = await this.running.ended;
    }
    if (done.error || done.code !== 0) throw failure(this.tool, this.file, done);
    return parseAddr2line(done.stdout, addresses);
  }

  /** The report will not be symbolised after all (a refused file, a failed report). */
  stop(): void {
    this.running?.child.stdin?.destroy();
    this.running?.child.kill();
  }
}

function input(addresses: readonly string[]): string {
  return addresses.map((a) => `0x${normalAddress(a)}\n`).join('');
}

function start(tool: Tool, file: string): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(tool.name, tool.args(file), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  // A tool that is missing or died early: its stdin's EPIPE says no more than its exit does.
  child.stdin.on('error', () => undefined);
  const ended = new Promise<Ended>((resolve) => {
    const out: string[] = [];
    const err: string[] = [];
    let size = 0;
    let error: NodeJS.ErrnoException | null = null;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      size += d.length;
      if (size <= MAX_OUTPUT) return void out.push(d);
      error ??= Object.assign(new Error('stdout maxBuffer length exceeded'), { code: 'ERR_MAX_BUFFER' });
      child.kill();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => void err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => (error ??= e));
    child.on('close', (code) => resolve({ stdout: out.join(''), stderr: err.join(''), code, error }));
  });
  return { child, ended };
}

/** The same words as any tool run at this edge (xen-syms.ts run()). */
function failure(tool: Tool, file: string, done: Ended): XenkeysError {
  const missing = done.error?.code === 'ENOENT';
  const message =
    done.error?.message ?? `Command failed: ${[tool.name, ...tool.args(file)].join(' ')}\n${done.stderr}`;
  return new XenkeysError(
    missing ? 'tool-missing' : 'bad-input',
    missing ? `${tool.name} is not installed` : `${tool.name} failed: ${done.stderr.trim() || message}`,
    {
      hint: missing
        ? 'Install binutils (apt-get install binutils) to resolve Xen addresses.'
        : 'Is it an ELF xen-syms file?',
      cause: done.error ?? undefined,
    },
  );
}
