// Progress on stderr, only when stderr is a terminal (ora); otherwise silent, so logs and pipes
// get only the results. Warnings always go to stderr.

import ora, { type Ora } from 'ora';
import pc from 'picocolors';

export interface Progress {
  step(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  warn(text: string): void;
  info(text: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY);
  let spinner: Ora | null = null;
  const ensure = (): Ora => (spinner ??= ora({ stream, discardStdin: false }));
  return {
    step: (text) => {
      if (tty) ensure().start(text);
    },
    succeed: (text) => {
      if (tty) ensure().succeed(text);
    },
    fail: (text) => {
      if (tty) ensure().fail(text);
      else stream.write(`xenkeys: ${text}\n`);
    },
    warn: (text) => {
      if (tty) ensure().warn(text);
      else stream.write(`xenkeys: warning: ${text}\n`);
    },
    info: (text) => {
      if (tty) ensure().info(pc.dim(text));
    },
    stop: () => {
      spinner?.stop();
    },
  };
}
