import { describe, expect, it } from "vitest";
import { preconnectFromHash, workerUrlWithPreconnect } from "./worker-preconnect.js";

describe("worker preconnect fragment", () => {
  it("round-trips the target through the script URL's fragment, leaving the fetched URL alone", () => {
    const href = workerUrlWithPreconnect("http://127.0.0.1:8080/app/session-worker.js?v=2", { url: "ws://127.0.0.1:5959/?token=a b#c", protocols: ["binary"] });
    const u = new URL(href);
    expect(u.origin + u.pathname + u.search).toBe("http://127.0.0.1:8080/app/session-worker.js?v=2");
    expect(preconnectFromHash(u.hash)).toEqual({ t: "preconnect", url: "ws://127.0.0.1:5959/?token=a b#c", protocols: ["binary"] });
  });

  it("defaults the protocols to the console's", () => {
    const u = new URL(workerUrlWithPreconnect("http://h/w.js", { url: "wss://h/spice" }));
    expect(preconnectFromHash(u.hash)?.protocols).toEqual(["binary"]);
  });

  it("carries the session to start ahead, and drops a malformed one", () => {
    const start = { password: "pw", preferredCompression: "lz4" as const, audio: true };
    const u = new URL(workerUrlWithPreconnect("http://h/w.js", { url: "ws://h/", start }));
    expect(preconnectFromHash(u.hash)).toEqual({ t: "preconnect", url: "ws://h/", protocols: ["binary"], start });
    const bad = "#preconnect=" + encodeURIComponent(JSON.stringify({ url: "ws://h/", protocols: [], start: { preferredCompression: "zip" } }));
    expect(preconnectFromHash(bad)).toBeUndefined();
  });

  it("ignores a missing or malformed fragment", () => {
    for (const h of ["", "#", "#other=1", "#preconnect=%7B", "#preconnect=" + encodeURIComponent('{"url":5,"protocols":[]}'), "#preconnect=" + encodeURIComponent('{"url":"ws://h","protocols":[1]}'), "#preconnect=null"])
      expect(preconnectFromHash(h)).toBeUndefined();
  });
});
