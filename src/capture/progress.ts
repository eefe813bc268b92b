// Progress on stderr: a spinner (ora) when stderr is a terminal, plain lines with --progress when
// it is not (logs, tests), nothing otherwise. Warnings and failures always go to stderr.

import type { Ora } from 'ora';
import pc from 'picocolors';
import { terminalText } from '../core/text-controls.js';

export interface Progress {
  step(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  warn(text: string): void;
  info(text: string): void;
  stop(): void;
}

export type ProgressMode = 'auto' | 'always' | 'never';

export async function createProgress(
  mode: ProgressMode = 'auto',
  stream: NodeJS.WriteStream = process.stderr,
): Promise<Progress> {
  const tty = Boolean(stream.isTTY);
  if (tty && mode !== 'never') return safe(spinnerProgress(stream, (await import('ora')).default));
  const plain = mode === 'always';
  const line = (text: string): void => void stream.write(`xenkeys: ${text}\n`);
  return safe({
    step: (text) => plain && line(`${text}…`),
    succeed: (text) => plain && line(text),
    info: (text) => plain && line(text),
    fail: (text) => line(text),
    warn: (text) => line(`warning: ${text}`),
    stop: () => undefined,
  });
}

/** Messages can quote the console (a key's description, a refused line): its controls are shown, not applied. */
function safe(p: Progress): Progress {
  return {
    step: (text) => p.step(terminalText(text)),
    succeed: (text) => p.succeed(terminalText(text)),
    fail: (text) => p.fail(terminalText(text)),
    warn: (text) => p.warn(terminalText(text)),
    info: (text) => p.info(terminalText(text)),
    stop: () => p.stop(),
  };
}

function spinnerProgress(stream: NodeJS.WriteStream, ora: typeof import('ora').default): Progress {
  let spinner: Ora | null = null;
  const ensure = (): Ora => (spinner ??= ora({ stream, discardStdin: false }));
  return {
    step: (text) => void ensure().start(text),
    succeed: (text) => void ensure().succeed(text),
    fail: (text) => void ensure().fail(text),
    warn: (text) => void ensure().warn(text),
    info: (text) => void ensure().info(pc.dim(text)),
    stop: () => void spinner?.stop(),
  };
}
