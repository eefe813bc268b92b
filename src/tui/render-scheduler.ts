// Coalesced redraws: any number of requests within one frame become one render, so a 10 MB burst
// of console output redraws the screen a few dozen times, not once per chunk. Counts renders
// (the benchmark reports them). Timers are injected so tests drive frames by hand.

export interface FrameTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: FrameTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RenderScheduler {
  /** Renders actually performed. */
  renders = 0;
  /** Requests received (each would have been a render without coalescing). */
  requests = 0;
  private timer: unknown = null;
  private disposed = false;

  constructor(
    private readonly render: () => void,
    private readonly frameMs = 16,
    private readonly timers: FrameTimers = realTimers,
  ) {}

  /** Ask for a render; it happens at most once per frame. */
  request(): void {
    this.requests++;
    if (this.timer !== null || this.disposed) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.now();
    }, this.frameMs);
  }

  /** Render at once (user actions: a key press should not wait for a frame), cancelling a pending one. */
  now(): void {
    if (this.disposed) return;
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
    this.renders++;
    this.render();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
