import { describe, expect, it } from "vitest";
import { addressToTarget, parseConnectInput, TargetError } from "./connect-target.js";

describe("parseConnectInput", () => {
  it("takes ws:// and wss:// URLs as they are", () => {
    expect(parseConnectInput(" ws://10.0.0.1:5900/ ")).toEqual({ url: "ws://10.0.0.1:5900/", label: "ws://10.0.0.1:5900/" });
    expect(parseConnectInput("wss://gw.example/spice/vm?token=t").url).toBe("wss://gw.example/spice/vm?token=t");
  });

  it("maps spice:// URIs and host:port to the SPICE port's WebSocket", () => {
    expect(parseConnectInput("spice://127.0.0.1:5930")).toEqual({ url: "ws://127.0.0.1:5930/", label: "ws://127.0.0.1:5930/" });
    expect(parseConnectInput("spice://vm.local?port=5901&password=s3cret")).toMatchObject({ url: "ws://vm.local:5901/", password: "s3cret" });
    expect(parseConnectInput("localhost:5900").url).toBe("ws://localhost:5900/");
    expect(parseConnectInput("spice://[::1]:5900").url).toBe("ws://[::1]:5900/");
    expect(parseConnectInput("spices://h:5901").url).toBe("wss://h:5901/");
    expect(parseConnectInput("spice://h?tls-port=5901").url).toBe("wss://h:5901/");
  });

  it("an https page prefers the TLS port and refuses a plain-only address", () => {
    expect(parseConnectInput("spice://h:5900?tls-port=5901", { securePage: true }).url).toBe("wss://h:5901/");
    expect(parseConnectInput("spice://h:5900?tls-port=5901").url).toBe("ws://h:5900/");
    expect(() => parseConnectInput("spice://h:5900", { securePage: true })).toThrow(/wss:\/\//);
  });

  it("says what is wrong with an address", () => {
    for (const [input, msg] of [
      ["", /enter an address/],
      ["spice://host", /no port/],
      ["spice://host:99999", /./],
      ["http://gw:8080/", /web page address/],
      ["vnc://h:5900", /unsupported/],
      ["spice://h?port=abc", /not a port/],
    ] as const) {
      expect(() => parseConnectInput(input), input).toThrow(TargetError);
      expect(() => parseConnectInput(input), input).toThrow(msg);
    }
  });
});

describe("addressToTarget", () => {
  it("uses the title as label and keeps the password", () => {
    expect(addressToTarget({ host: "h", port: 1, password: "p", title: "VM" })).toEqual({ url: "ws://h:1/", password: "p", label: "VM" });
  });
});
