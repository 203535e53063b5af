import type { CompressionName, ScalingMode } from "@saffron/web";

/** The page's settings panel, kept in localStorage. */
export interface PageSettings {
  scaling: ScalingMode;
  viewOnly: boolean;
  /** "" = the server's choice. */
  compression: CompressionName | "";
  reconnect: boolean;
}

export const DEFAULT_SETTINGS: Readonly<PageSettings> = { scaling: "fit", viewOnly: false, compression: "", reconnect: false };

export const SETTINGS_KEY = "saffron.web-client.settings";

export const COMPRESSIONS: readonly CompressionName[] = ["auto_glz", "auto_lz", "quic", "glz", "lz", "lz4", "off"];

type Store = Pick<Storage, "getItem" | "setItem">;

/** Keeps each known field that has a valid value; anything else takes the default. */
export function sanitizeSettings(raw: unknown): PageSettings {
  const s: PageSettings = { ...DEFAULT_SETTINGS };
  if (typeof raw !== "object" || raw === null) return s;
  const r = raw as Record<string, unknown>;
  if (r.scaling === "fit" || r.scaling === "none") s.scaling = r.scaling;
  if (typeof r.viewOnly === "boolean") s.viewOnly = r.viewOnly;
  if (r.compression === "" || COMPRESSIONS.includes(r.compression as CompressionName)) s.compression = r.compression as PageSettings["compression"];
  if (typeof r.reconnect === "boolean") s.reconnect = r.reconnect;
  return s;
}

/** The saved settings (defaults when nothing is saved, storage is blocked, or the JSON is bad). */
export function loadSettings(store: Store | undefined): PageSettings {
  try {
    const text = store?.getItem(SETTINGS_KEY);
    return sanitizeSettings(text ? JSON.parse(text) : undefined);
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

/** Saves the settings; returns false when the browser refuses (private mode, quota). */
export function saveSettings(store: Store | undefined, s: PageSettings): boolean {
  try {
    store?.setItem(SETTINGS_KEY, JSON.stringify(s));
    return !!store;
  } catch {
    return false;
  }
}

/**
 * Query parameters that override a setting for this page load only (not saved):
 * scaling=fit|none, viewonly=1|0, compression=NAME, reconnect=1|0.
 */
export function settingsFromQuery(base: PageSettings, q: URLSearchParams): PageSettings {
  const bool = (v: string | null, d: boolean) => (v === null ? d : v === "1" || v === "true");
  return sanitizeSettings({
    scaling: q.get("scaling") ?? base.scaling,
    viewOnly: bool(q.get("viewonly"), base.viewOnly),
    compression: q.get("compression") ?? base.compression,
    reconnect: bool(q.get("reconnect"), base.reconnect),
  });
}
