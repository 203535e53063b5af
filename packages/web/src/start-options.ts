// The options a console starts its session with (the "start" message), built in one place for
// the console and for a worker that starts the session on its own ahead of the console (a
// preconnect carrying `start`, see session-core.ts): the console's start then adopts that session
// only when both describe the same one.
import { display as dsp } from "@saffron/protocol";
import type { StartRequest } from "./worker-protocol.js";

/** Image compression names, as spice-server's and spice-gtk's options spell them. */
export const COMPRESSION_NAMES = ["off", "auto_glz", "auto_lz", "quic", "glz", "lz", "lz4"] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

const COMPRESSION: Record<CompressionName, number> = {
  off: dsp.ImageCompression.Off,
  auto_glz: dsp.ImageCompression.AutoGlz,
  auto_lz: dsp.ImageCompression.AutoLz,
  quic: dsp.ImageCompression.Quic,
  glz: dsp.ImageCompression.Glz,
  lz: dsp.ImageCompression.Lz,
  lz4: dsp.ImageCompression.Lz4,
};

/** The display PREFERRED_COMPRESSION value for a name (numbers pass through); RangeError for an unknown name. */
export function compressionValue(c: CompressionName | number | undefined): number | undefined {
  if (c === undefined || typeof c === "number") return c;
  const v = Object.hasOwn(COMPRESSION, c) ? COMPRESSION[c] : undefined;
  if (v === undefined) throw new RangeError(`unknown image compression ${JSON.stringify(c)}`);
  return v;
}

/** A session's options as a console holds them (see SpiceConsoleOptions). */
export interface SessionStartSpec {
  password?: string;
  preferredCompression?: CompressionName | number;
  /** Default true. */
  webCodecs?: boolean;
  glzWindowSize?: number;
  log?: boolean;
  /** Open the PLAYBACK channel: the console plays audio (wanted and supported on the page). */
  audio?: boolean;
}

/** The "start" message for session `gen` to `url`. */
export function startRequest(gen: number, url: string, protocols: readonly string[], spec: SessionStartSpec): StartRequest {
  return {
    t: "start",
    gen,
    url,
    password: spec.password ?? "",
    protocols: [...protocols],
    preferredCompression: compressionValue(spec.preferredCompression),
    webCodecs: spec.webCodecs !== false,
    glzWindowSize: spec.glzWindowSize,
    log: !!spec.log,
    audio: !!spec.audio,
  };
}

/** Whether two starts ask for the same session (everything but the generation). */
export function sameSession(a: StartRequest, b: StartRequest): boolean {
  return (
    a.url === b.url &&
    a.password === b.password &&
    a.protocols.join(",") === b.protocols.join(",") &&
    a.preferredCompression === b.preferredCompression &&
    a.webCodecs === b.webCodecs &&
    a.glzWindowSize === b.glzWindowSize &&
    a.log === b.log &&
    !!a.audio === !!b.audio
  );
}

/** Whether `v` is a well-formed SessionStartSpec (from an untrusted source such as a URL fragment). */
export function isSessionStartSpec(v: unknown): v is SessionStartSpec {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Record<string, unknown>;
  const opt = (k: string, type: "string" | "boolean") => s[k] === undefined || typeof s[k] === type;
  if (!opt("password", "string") || !opt("webCodecs", "boolean") || !opt("log", "boolean") || !opt("audio", "boolean")) return false;
  if (s.glzWindowSize !== undefined && !(Number.isInteger(s.glzWindowSize) && (s.glzWindowSize as number) >= 0)) return false;
  const c = s.preferredCompression;
  return c === undefined || (typeof c === "number" && Number.isInteger(c)) || (COMPRESSION_NAMES as readonly unknown[]).includes(c);
}
