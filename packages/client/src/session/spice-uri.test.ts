import { describe, expect, it } from "vitest";
import { parseSpiceUri } from "./spice-uri.js";

describe("parseSpiceUri", () => {
  it("parses the common forms", () => {
    expect(parseSpiceUri("spice://127.0.0.1:5900")).toEqual({ host: "127.0.0.1", port: 5900 });
    expect(parseSpiceUri("spice://h?port=5900&tls-port=5901&password=x%20y")).toEqual({ host: "h", port: 5900, tlsPort: 5901, password: "x y" });
    expect(parseSpiceUri("spices://h:5901")).toEqual({ host: "h", tlsPort: 5901 });
    expect(parseSpiceUri("localhost:5930")).toEqual({ host: "localhost", port: 5930 });
    expect(parseSpiceUri("spice://[::1]:5900")).toEqual({ host: "::1", port: 5900 });
  });
  it("rejects what it cannot use", () => {
    expect(() => parseSpiceUri("vnc://h:1")).toThrow(/spice/);
    expect(() => parseSpiceUri("spice://h")).toThrow(/no port/);
    expect(() => parseSpiceUri("spice://h:99999")).toThrow();
  });
});
