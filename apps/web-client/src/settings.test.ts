import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, loadSettings, saveSettings, SETTINGS_KEY, settingsFromQuery } from "./settings.js";

function memoryStore() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe("settings", () => {
  it("round-trips through storage", () => {
    const store = memoryStore();
    const s = { scaling: "none", viewOnly: true, compression: "lz4", reconnect: true } as const;
    expect(saveSettings(store, s)).toBe(true);
    expect(loadSettings(store)).toEqual(s);
  });

  it("falls back to defaults field by field on bad or missing data", () => {
    const store = memoryStore();
    expect(loadSettings(store)).toEqual(DEFAULT_SETTINGS);
    store.m.set(SETTINGS_KEY, "{not json");
    expect(loadSettings(store)).toEqual(DEFAULT_SETTINGS);
    store.m.set(SETTINGS_KEY, JSON.stringify({ scaling: "zoom", viewOnly: "yes", compression: "zip", reconnect: true }));
    expect(loadSettings(store)).toEqual({ ...DEFAULT_SETTINGS, reconnect: true });
    expect(loadSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    const throwing = { getItem: () => { throw new Error("blocked"); }, setItem: () => { throw new Error("quota"); } };
    expect(loadSettings(throwing)).toEqual(DEFAULT_SETTINGS);
    expect(saveSettings(throwing, DEFAULT_SETTINGS)).toBe(false);
  });

  it("query parameters override for one page load", () => {
    const base = { ...DEFAULT_SETTINGS, compression: "quic" as const };
    expect(settingsFromQuery(base, new URLSearchParams("scaling=none&reconnect=1&viewonly=0"))).toEqual({ ...base, scaling: "none", reconnect: true });
    expect(settingsFromQuery(base, new URLSearchParams("compression=lz4")).compression).toBe("lz4");
    expect(settingsFromQuery(base, new URLSearchParams("compression=bogus")).compression).toBe("");
  });
});
