// Ctrl-C, SIGTERM and SIGHUP become an AbortSignal, so every wait in the session ends cleanly and
// the finally-path returns input to dom0. A second Ctrl-C while input is being returned aborts
// that too (after saying what state the console may be in).

export interface SignalScope {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** Aborted by a second signal: used for the restore path. */
  readonly urgent: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | null;
  dispose(): void;
}

export function trapSignals(onSignal?: (name: NodeJS.Signals, count: number) => void): SignalScope {
  const first = new AbortController();
  const second = new AbortController();
  let received: NodeJS.Signals | null = null;
  let count = 0;
  const handler = (name: NodeJS.Signals): void => {
    count++;
    received ??= name;
    onSignal?.(name, count);
    if (count === 1) first.abort(new Error(`interrupted by ${name}`));
    else second.abort(new Error(`interrupted again by ${name}`));
  };
  const names: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const name of names) process.on(name, handler);
  return {
    signal: first.signal,
    urgent: second.signal,
    get received() {
      return received;
    },
    dispose: () => {
      for (const name of names) process.off(name, handler);
    },
  };
}

/** The error a signal's abort carries (`interrupted by SIGINT`): not a failure of its own. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && /^interrupted/.test(error.message);
}
