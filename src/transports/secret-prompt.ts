// Asking a person for a password or passphrase at the terminal, without echo, the way ssh does.
// Only when stdin is a terminal: scripts and CI get no prompt (and so a clear error instead of a hang).

import { XenkeysError } from '../core/errors.js';

/** Resolves with what was typed; rejects (code 'interrupted') on Ctrl-C or Ctrl-D. */
export type SecretPrompt = (question: string, options?: { echo?: boolean }) => Promise<string>;

interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** A prompt on this terminal, or undefined when stdin is not one. */
export function ttyPrompt(
  input: TtyInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): SecretPrompt | undefined {
  if (!input.isTTY || typeof input.setRawMode !== 'function') return undefined;
  return (question, options = {}) =>
    new Promise((resolve, reject) => {
      const wasRaw = input.isRaw ?? false;
      let answer = '';
      const finish = (error?: XenkeysError): void => {
        input.removeListener('data', onData);
        input.setRawMode?.(wasRaw);
        input.pause();
        output.write('\n');
        if (error) reject(error);
        else resolve(answer);
      };
      const onData = (chunk: Buffer | string): void => {
        for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish();
          if (ch === '\x03' || (ch === '\x04' && answer === '')) {
            return finish(new XenkeysError('interrupted', 'no answer given at the prompt'));
          }
          if (ch === '\x7f' || ch === '\b') {
            answer = [...answer].slice(0, -1).join('');
            if (options.echo) output.write('\b \b');
          } else if (ch === '\x15') {
            answer = ''; // Ctrl-U: start again
          } else if (ch >= ' ') {
            answer += ch;
            if (options.echo) output.write(ch);
          }
        }
      };
      // No echo from the moment the question shows: a fast typist's first keys must not be echoed.
      input.setRawMode?.(true);
      output.write(question);
      input.on('data', onData);
      input.resume();
    });
}
