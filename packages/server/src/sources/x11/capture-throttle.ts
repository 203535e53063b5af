/**
 * Coalesces "something changed" notifications into captures: at most one capture runs at a
 * time, captures start at least `minIntervalMs` apart, and any number of requests made
 * while one is pending or running lead to exactly one more capture.
 */
export class CaptureThrottle {
  private dirty = false;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = -Infinity;
  private stopped = false;
  /** Captures completed (for statistics). */
  captures = 0;

  constructor(
    private readonly minIntervalMs: number,
    private readonly capture: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Something changed: make sure a capture follows. */
  request(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.schedule();
  }

  /** Resolves when no capture is pending or running (for tests and orderly stops). */
  async idle(): Promise<void> {
    while (!this.stopped && (this.running || this.timer !== undefined)) await new Promise((r) => setTimeout(r, 2));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.running || this.timer !== undefined || !this.dirty || this.stopped) return;
    const delay = Math.max(0, this.last + this.minIntervalMs - this.now());
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.dirty = false;
    this.running = true;
    this.last = this.now();
    try {
      await this.capture();
      this.captures++;
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
    }
    this.schedule();
  }
}
