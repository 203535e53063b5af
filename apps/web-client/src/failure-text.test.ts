import { describe, expect, it } from "vitest";
import { describeFailure } from "./failure-text.js";
import { checkGateway, gatewayCheckUrl } from "./gateway-check.js";

const err = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("describeFailure", () => {
  it("names each kind of failure", () => {
    expect(describeFailure(err("ERR_SPICE_CONNECT"), "ws://h:1/")).toMatchObject({ kind: "unreachable", text: expect.stringMatching(/^cannot reach ws:\/\/h:1\//) });
    expect(describeFailure(err("ERR_SPICE_CLOSED", "gone"), "w").kind).toBe("closed");
    expect(describeFailure(err("ERR_SPICE_TIMEOUT"), "w").kind).toBe("timeout");
    expect(describeFailure(new Error("boom"), "w")).toEqual({ kind: "other", text: "boom" });
  });

  it("a gateway's answer wins over the browser's vague WebSocket error", () => {
    const t = describeFailure(err("ERR_SPICE_CONNECT"), "w", { kind: "token-refused", reason: "expired" });
    expect(t.kind).toBe("token-refused");
    expect(t.text).toMatch(/^token refused by the gateway \(401: it has expired\)/);
    expect(describeFailure(err("ERR_SPICE_CONNECT"), "w", { kind: "unknown-target" }).kind).toBe("unknown-target");
  });
});

describe("checkGateway", () => {
  it("asks only gateway paths, over http(s)", () => {
    expect(gatewayCheckUrl("ws://gw:8080/spice/desktop?token=abc")).toBe("http://gw:8080/spice/desktop?token=abc");
    expect(gatewayCheckUrl("wss://gw/spice/vm/")).toBe("https://gw/spice/vm/");
    expect(gatewayCheckUrl("ws://h:5900/")).toBeUndefined();
    expect(gatewayCheckUrl("not a url")).toBeUndefined();
  });

  it("reads the status the gateway answers", async () => {
    const answer = (status: number, body = "") => async () => ({ status, text: async () => body });
    expect(await checkGateway("ws://g/spice/d", answer(401, "unauthorized (bad_signature)\n"))).toEqual({ kind: "token-refused", reason: "bad_signature" });
    expect(await checkGateway("ws://g/spice/d", answer(404))).toEqual({ kind: "unknown-target" });
    expect(await checkGateway("ws://g/spice/d", answer(426))).toEqual({ kind: "accepted" });
    expect(await checkGateway("ws://g/spice/d", async () => Promise.reject(new TypeError("CORS")))).toEqual({ kind: "unknown" });
    expect(await checkGateway("ws://h:5900/", answer(401))).toEqual({ kind: "unknown" });
  });
});
