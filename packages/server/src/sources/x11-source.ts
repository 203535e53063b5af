import type { DisplaySource } from "./display-source.js";

/** Shares an existing X display (Xvfb, Xorg). */
export async function x11Source(display: string): Promise<DisplaySource> {
  throw new Error(`X11 source for ${display} is not implemented yet`);
}
