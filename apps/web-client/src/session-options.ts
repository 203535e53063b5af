// The session options of the page's console, in one place: main.ts creates its consoles with
// them, and boot.ts has the session worker start the very same session while the page loads
// (?autoconnect=1), for the console to adopt.
import { audioPlaybackSupported, type CompressionName, type SessionStartSpec } from "@saffron/web";
import { parseConnectInput, urlFromQuery } from "./connect-target.js";
import { loadSettings, settingsFromQuery, type PageSettings } from "./settings.js";

/** The console options (see SpiceConsoleOptions) that decide what session it starts. */
export interface PageSessionOptions {
  password?: string;
  preferredCompression?: CompressionName;
  audio: boolean;
}

/** What the page's console is given for a connection with this password. */
export function pageSessionOptions(settings: PageSettings, query: URLSearchParams, password: string): PageSessionOptions {
  return {
    password: password || undefined,
    preferredCompression: settings.compression || undefined,
    // ?audio=0 turns the remote sound off altogether (no PLAYBACK channel).
    audio: query.get("audio") !== "0",
  };
}

/** The page's storage, or undefined where the browser blocks it (some privacy modes). */
export function pageStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Where and with what session the page connects at once (?autoconnect=1), as main.ts will:
 * undefined without autoconnect or with an address that does not parse (the page reports it).
 */
export function autoconnectSession(loc: Pick<Location, "search" | "origin" | "protocol">, storage: Pick<Storage, "getItem" | "setItem"> | undefined): { url: string; start: SessionStartSpec } | undefined {
  const q = new URLSearchParams(loc.search);
  if (q.get("autoconnect") !== "1") return undefined;
  const input = urlFromQuery(q, loc.origin);
  if (!input) return undefined;
  let target: ReturnType<typeof parseConnectInput>;
  try {
    target = parseConnectInput(input, { securePage: loc.protocol === "https:" });
  } catch {
    return undefined;
  }
  const o = pageSessionOptions(settingsFromQuery(loadSettings(storage), q), q, q.get("password") || target.password || "");
  // As SpiceConsole: sound only where the page can play it.
  return { url: target.url, start: { password: o.password, preferredCompression: o.preferredCompression, audio: o.audio && audioPlaybackSupported() } };
}
