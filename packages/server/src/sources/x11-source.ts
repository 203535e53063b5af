import type { DisplaySource } from "./display-source.js";
import { X11DisplaySource, type X11SourceOptions } from "./x11/x11-display-source.js";

export type { X11SourceOptions } from "./x11/x11-display-source.js";

/**
 * Shares an existing X display (Xvfb, Xorg) such as ":5". Connects now, so a missing display
 * or an unsupported one (needs depth 24 with 32-bit pixels, DAMAGE and XFIXES; XTEST for
 * input) fails here rather than when the first client arrives.
 */
export async function x11Source(display: string, options: X11SourceOptions = {}): Promise<DisplaySource> {
  return X11DisplaySource.connect(display, options);
}
