// Waits until a stream (a net.Socket, a SerialPort) has delivered bytes matching a pattern: what a
// client really received, to compare with the chardev log. Call it before writing the command.

export interface DataSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

/** Resolves with every byte received since the call, once they match; rejects after timeoutMs. */
export function waitForData(
  source: DataSource,
  pattern: RegExp | string,
  timeoutMs = 30_000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // A copy without g/y, whose lastIndex would carry over between chunks.
    const re =
      typeof pattern === 'string'
        ? undefined
        : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    const matches = (text: string): boolean => (re ? re.test(text) : text.includes(pattern as string));
    const done = (): void => {
      clearTimeout(timer);
      source.off('data', onData);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (!matches(all.toString('utf8'))) return;
      done();
      resolve(all);
    };
    const timer = setTimeout(() => {
      done();
      const got = JSON.stringify(Buffer.concat(chunks).toString('utf8').slice(-800));
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; received ${got}`));
    }, timeoutMs);
    source.on('data', onData);
  });
}
