/** DOM WheelEvent.deltaMode values. */
const DOM_DELTA_PIXEL = 0;
const DOM_DELTA_LINE = 1;

/** Pixels that make one wheel notch (Chromium and Firefox report 100 / ~3 lines per notch). */
const PIXELS_PER_NOTCH = 100;
const LINES_PER_NOTCH = 3;

/**
 * Turns wheel deltas into whole notches (SPICE has only button UP/DOWN presses). Small
 * touchpad deltas accumulate until they make a notch; a change of direction starts afresh.
 */
export class WheelAccumulator {
  private acc = 0;

  /** Returns the signed number of notches to send: negative = up (deltaY < 0), positive = down. */
  add(deltaY: number, deltaMode: number): number {
    if (!Number.isFinite(deltaY) || deltaY === 0) return 0;
    const notches = deltaMode === DOM_DELTA_PIXEL ? deltaY / PIXELS_PER_NOTCH : deltaMode === DOM_DELTA_LINE ? deltaY / LINES_PER_NOTCH : deltaY;
    if (Math.sign(notches) !== Math.sign(this.acc)) this.acc = 0;
    this.acc += notches;
    const whole = Math.trunc(this.acc);
    this.acc -= whole;
    // One gesture never sends an absurd number of presses.
    return Math.max(-10, Math.min(10, whole)) | 0;
  }

  reset(): void {
    this.acc = 0;
  }
}
