import { TestkitError } from "./errors.js";

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Races `promise` against a timer. On timeout, calls `onTimeout` (e.g. to kill the process
 * behind the promise) and rejects with `TestkitError("ERR_PEER_TIMEOUT")`. The timer never
 * keeps the event loop alive after the promise settles.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  label = "operation",
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        onTimeout?.();
      } finally {
        reject(new TestkitError("ERR_PEER_TIMEOUT", `${label} timed out after ${ms} ms`));
      }
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** Used in the timeout error message. */
  label?: string;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, and returns that
 * value. An exception thrown by `check` aborts the wait (use it to report a dead peer).
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, label = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) {
      throw new TestkitError("ERR_PEER_TIMEOUT", `${label} not reached within ${timeoutMs} ms`);
    }
    await sleep(intervalMs);
  }
}
