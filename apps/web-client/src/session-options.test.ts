import { describe, expect, it } from "vitest";
import { autoconnectSession, pageSessionOptions } from "./session-options.js";
import { DEFAULT_SETTINGS, SETTINGS_KEY } from "./settings.js";

const loc = (search: string) => ({ search, origin: "http://127.0.0.1:8080", protocol: "http:" });
const store = (saved?: object) => ({ getItem: (k: string) => (k === SETTINGS_KEY && saved ? JSON.stringify(saved) : null), setItem: () => {} });

describe("the page's session options", () => {
  it("are what the console gets: password, saved or query compression, audio unless ?audio=0", () => {
    expect(pageSessionOptions({ ...DEFAULT_SETTINGS, compression: "lz4" }, new URLSearchParams("audio=0"), "pw")).toEqual({ password: "pw", preferredCompression: "lz4", audio: false });
    expect(pageSessionOptions(DEFAULT_SETTINGS, new URLSearchParams(""), "")).toEqual({ password: undefined, preferredCompression: undefined, audio: true });
  });

  it("give boot.js the session the page will autoconnect to, as main.js will start it", () => {
    const s = autoconnectSession(loc("?url=ws%3A%2F%2F127.0.0.1%3A5959%2F&autoconnect=1&password=pw&compression=quic"), store({ compression: "lz" }));
    // No WebAudio in Node: no sound, as the console would decide there.
    expect(s).toEqual({ url: "ws://127.0.0.1:5959/", start: { password: "pw", preferredCompression: "quic", audio: false } });
    expect(autoconnectSession(loc("?url=ws%3A%2F%2F127.0.0.1%3A5959%2F"), store())).toBeUndefined();
    expect(autoconnectSession(loc("?url=nonsense%20here&autoconnect=1"), store())).toBeUndefined();
    expect(autoconnectSession(loc("?url=ws%3A%2F%2F127.0.0.1%3A5959%2F&autoconnect=1"), store({ compression: "lz" }))?.start.preferredCompression).toBe("lz");
  });
});
