import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import { TestkitError } from "./errors.js";
import { readPpm } from "./ppm.js";
import { makeTempDir, removeTempDir, runCommand } from "./processes.js";

export interface SpicyScreenshotOptions {
  host?: string;
  port: number;
  password?: string;
  /** spicy-screenshot waits forever for a primary surface; kill it after this (default 30 s). */
  timeoutMs?: number;
  /** Extra spice-gtk options, e.g. ["--spice-preferred-compression=lz4"]. */
  extraArgs?: string[];
}

/**
 * Captures the primary display of a SPICE server with the real spice-gtk client
 * (`spicy-screenshot`, no X display needed) and returns it as a `DecodedImage` in
 * **BGRA** byte order (B, G, R, A=255 per pixel, top-down; the same layout as
 * @saffron/codecs). Rejects with ERR_PEER_EXIT (carrying the tool's stderr, e.g.
 * "main channel event: 23" for a refused password) or ERR_PEER_TIMEOUT.
 */
export async function spicyScreenshot(options: SpicyScreenshotOptions): Promise<DecodedImage> {
  const dir = makeTempDir("spicy");
  const out = join(dir, "shot.ppm");
  const args = ["-h", options.host ?? "127.0.0.1", "-p", String(options.port), "-o", out];
  if (options.password !== undefined) args.push("-w", options.password);
  args.push(...(options.extraArgs ?? []));
  try {
    const env = { ...process.env };
    delete env.DISPLAY; // never pop up anything on a test display
    const result = await runCommand("spicy-screenshot", args, { timeoutMs: options.timeoutMs ?? 30_000, env });
    if (!existsSync(out)) {
      throw new TestkitError("ERR_PEER_EXIT", "spicy-screenshot exited 0 without writing an image", { details: result.stderr });
    }
    return readPpm(out);
  } finally {
    removeTempDir(dir);
  }
}
