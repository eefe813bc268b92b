// A tiny typed event emitter (after node-pty's EventEmitter2): `on` returns a Disposable,
// listeners run synchronously in order, and one listener throwing does not starve the others.

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

export class Emitter<T> {
  private listeners: Listener<T>[] = [];

  /** Subscribe; the returned Disposable unsubscribes. */
  readonly on = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /** Subscribe for exactly one event. */
  once(listener: Listener<T>): Disposable {
    const sub = this.on((event) => {
      sub.dispose();
      listener(event);
    });
    return sub;
  }

  fire(event: T): void {
    let firstError: unknown;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  get size(): number {
    return this.listeners.length;
  }

  clear(): void {
    this.listeners = [];
  }
}

/** Disposes many things at once, in reverse order of registration. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];

  add<D extends Disposable>(item: D): D {
    this.items.push(item);
    return item;
  }

  dispose(): void {
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) item.dispose();
  }
}

/**
 * A promise settled by whichever of its listeners fires first, or by `signal` aborting; every
 * listener (and timer) `arm` returns is disposed as soon as it settles.
 */
export function firstOf<T>(
  arm: (resolve: (value: T) => void, reject: (error: unknown) => void) => Disposable[],
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const subs = new DisposableStore();
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      subs.dispose();
      fn();
    };
    if (signal?.aborted) return reject(signal.reason);
    const armed = arm(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
    // A listener may have fired while arming: then nothing is left to keep.
    for (const d of armed) {
      if (settled) d.dispose();
      else subs.add(d);
    }
    if (signal) {
      const onAbort = (): void => finish(() => reject(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      subs.add({ dispose: () => signal.removeEventListener('abort', onAbort) });
    }
  });
}
