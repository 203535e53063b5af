/**
 * The server's multimedia clock (mm-time, milliseconds, u32 wrapping) as seen by the client:
 * every PLAYBACK DATA (and START) carries the server's mm-time for that audio, and between
 * them the clock runs at the local rate. spice-gtk uses the same estimate to schedule video.
 */
export class MmTimeClock {
  private base?: number;
  private baseLocal = 0;

  /** Records an mm-time stamp seen at local time `nowMs` (ms, any monotonic origin). */
  update(mmTime: number, nowMs: number): void {
    this.base = mmTime >>> 0;
    this.baseLocal = nowMs;
  }

  /** Has any stamp been seen? */
  get known(): boolean {
    return this.base !== undefined;
  }

  /** The last stamp seen (undefined before the first). */
  get last(): number | undefined {
    return this.base;
  }

  /** The estimated server mm-time at local time `nowMs` (undefined before the first stamp). */
  now(nowMs: number): number | undefined {
    if (this.base === undefined) return undefined;
    return (this.base + Math.max(0, Math.round(nowMs - this.baseLocal))) >>> 0;
  }

  reset(): void {
    this.base = undefined;
  }
}
