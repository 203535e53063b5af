/** The clock a PacedLink runs on (real time by default; tests drive a fake one). */
export interface LinkClock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Lateness (ms) a delivery may make up: about one timer tick. */
const LATE_GRACE_MS = 2;

const realClock: LinkClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface PacedLinkOptions {
  /** The link's rate, bytes per second. */
  bytesPerSecond: number;
  /** One-way delay added to every byte, ms (default 0). */
  latencyMs?: number;
  /** Largest piece delivered at once (default 16 KiB): a big chunk trickles out in pieces. */
  sliceBytes?: number;
}

/**
 * One direction of a slow link (a WAN downlink, say): pushed bytes come out of `deliver` in
 * the order they went in, each piece when the link would have finished carrying it.
 *
 * The queue is drained by one timer at a time, so the order never depends on timers firing in
 * the order they were set (Node promises no such thing: a timer's expiry is counted from the
 * event loop's cached millisecond, so pieces due within a few ms of each other, set from
 * different loop turns, can fire out of order). Time lost to a late timer is not made up: the
 * next piece starts from when the last one actually came out, so a busy event loop only makes
 * the link slower, never faster or burstier than its rate.
 */
export class PacedLink {
  private readonly queue: { data: Uint8Array; arrival: number }[] = [];
  private readonly latencyMs: number;
  private readonly sliceBytes: number;
  /** When the link has finished carrying what it delivered so far (ms, clock time). */
  private linkFreeAt = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private queuedBytes = 0;
  private closed = false;
  private onEnd?: () => void;
  private pumping = false;

  constructor(
    private readonly deliver: (chunk: Uint8Array) => void,
    private readonly options: PacedLinkOptions,
    private readonly clock: LinkClock = realClock,
  ) {
    if (!(options.bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be positive (got ${options.bytesPerSecond})`);
    this.latencyMs = options.latencyMs ?? 0;
    this.sliceBytes = Math.max(1, options.sliceBytes ?? 16 * 1024);
  }

  /** Bytes pushed and not delivered yet. */
  get queued(): number {
    return this.queuedBytes;
  }

  push(chunk: Uint8Array): void {
    if (this.closed || chunk.length === 0) return;
    const arrival = this.clock.now();
    for (let off = 0; off < chunk.length; off += this.sliceBytes) {
      const data = chunk.subarray(off, Math.min(chunk.length, off + this.sliceBytes));
      this.queue.push({ data, arrival });
      this.queuedBytes += data.length;
    }
    this.wake();
  }

  /** No more pushes: `done` runs once everything queued has been delivered. */
  end(done: () => void): void {
    this.onEnd = done;
    this.wake();
  }

  /** Drops what is queued; nothing is delivered after this. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  /** Runs the queue unless a timer is already waiting for its head (or it is running now). */
  private wake(): void {
    if (this.timer === undefined && !this.pumping) this.pump();
  }

  private pump(): void {
    this.timer = undefined;
    this.pumping = true;
    try {
      this.drain();
    } finally {
      this.pumping = false;
    }
  }

  private drain(): void {
    while (!this.closed && this.queue.length > 0) {
      const head = this.queue[0]!;
      const start = Math.max(this.linkFreeAt, head.arrival);
      const due = start + (head.data.length * 1000) / this.options.bytesPerSecond + this.latencyMs;
      const now = this.clock.now();
      if (due > now) {
        this.timer = this.clock.setTimer(() => this.pump(), Math.max(1, Math.ceil(due - now)));
        return;
      }
      this.queue.shift();
      this.queuedBytes -= head.data.length;
      // Delivered now: the link carried it until then. Lateness beyond a timer tick is not
      // made up (the next piece starts from now); within a tick it is, so tiny pieces due
      // together come out together.
      this.linkFreeAt = Math.max(due, now - LATE_GRACE_MS) - this.latencyMs;
      this.deliver(head.data);
    }
    if (!this.closed && this.queue.length === 0 && this.onEnd) {
      const done = this.onEnd;
      this.onEnd = undefined;
      this.closed = true;
      done();
    }
  }
}
