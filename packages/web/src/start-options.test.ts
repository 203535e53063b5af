import { describe, expect, it } from "vitest";
import { compressionValue, isSessionStartSpec, sameSession, startRequest } from "./start-options.js";

describe("session start options", () => {
  it("builds the start message with the console's defaults", () => {
    expect(startRequest(3, "ws://h/", ["binary"], {})).toEqual({
      t: "start",
      gen: 3,
      url: "ws://h/",
      password: "",
      protocols: ["binary"],
      preferredCompression: undefined,
      webCodecs: true,
      glzWindowSize: undefined,
      log: false,
      audio: false,
    });
    expect(startRequest(1, "ws://h/", [], { preferredCompression: "lz4", audio: true }).preferredCompression).toBe(compressionValue("lz4"));
  });

  it("tells the same session apart from another, whatever the generation", () => {
    const a = startRequest(-2, "ws://h/", ["binary"], { password: "pw", preferredCompression: "quic", audio: true });
    expect(sameSession(a, startRequest(7, "ws://h/", ["binary"], { password: "pw", preferredCompression: "quic", audio: true }))).toBe(true);
    for (const other of [
      startRequest(7, "ws://h2/", ["binary"], { password: "pw", preferredCompression: "quic", audio: true }),
      startRequest(7, "ws://h/", ["binary"], { password: "other", preferredCompression: "quic", audio: true }),
      startRequest(7, "ws://h/", ["binary", "x"], { password: "pw", preferredCompression: "quic", audio: true }),
      startRequest(7, "ws://h/", ["binary"], { password: "pw", preferredCompression: "lz", audio: true }),
      startRequest(7, "ws://h/", ["binary"], { password: "pw", preferredCompression: "quic", audio: false }),
      startRequest(7, "ws://h/", ["binary"], { password: "pw", preferredCompression: "quic", audio: true, webCodecs: false }),
      startRequest(7, "ws://h/", ["binary"], { password: "pw", preferredCompression: "quic", audio: true, glzWindowSize: 0 }),
      startRequest(7, "ws://h/", ["binary"], { password: "pw", preferredCompression: "quic", audio: true, log: true }),
    ])
      expect(sameSession(a, other)).toBe(false);
  });

  it("accepts only well-formed specs from untrusted input", () => {
    expect(isSessionStartSpec({})).toBe(true);
    expect(isSessionStartSpec({ password: "x", preferredCompression: "auto_glz", webCodecs: false, glzWindowSize: 0, log: true, audio: true })).toBe(true);
    expect(isSessionStartSpec({ preferredCompression: 5 })).toBe(true);
    for (const bad of [null, 1, "x", { password: 1 }, { preferredCompression: "zip" }, { preferredCompression: "toString" }, { glzWindowSize: -1 }, { glzWindowSize: 1.5 }, { audio: "yes" }])
      expect(isSessionStartSpec(bad)).toBe(false);
  });

  it("rejects an unknown compression name", () => {
    expect(() => compressionValue("zip" as never)).toThrow(RangeError);
    expect(() => compressionValue("toString" as never)).toThrow(RangeError);
  });
});
