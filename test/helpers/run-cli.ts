// Runs the built CLI (bin/xenkeys → dist/) as a child process, the way a user runs it. Tests that
// use it need `npm run build` first (npm test and npm run test:lab do that).

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'xenkeys');

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Everything written to stdout/stderr so far. */
  output(): string;
  /** Resolves once stdout+stderr match (the child's own words, not a timer). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const onData = (): void => waiters.forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), onData()));
  child.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), onData()));
  const done = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return {
    child,
    done,
    output: () => stdout + stderr,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(stdout + stderr)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${stdout}${stderr}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return startCli(args, options).done;
}
