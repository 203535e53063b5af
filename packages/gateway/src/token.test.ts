import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { checkToken, signToken, tokenFromRequest } from "./token.js";

const secret = new TextEncoder().encode("0123456789abcdef0123456789abcdef");
const other = new TextEncoder().encode("fedcba9876543210fedcba9876543210");

describe("signToken / checkToken", () => {
  it("accepts a fresh token for a listed target, and '*' for any target", async () => {
    const t = await signToken(secret, { targets: ["desktop"], ttlMs: 60_000, subject: "alice" });
    expect(await checkToken(secret, t, "desktop")).toEqual({ ok: true, subject: "alice" });
    expect(await checkToken(secret, t, "other")).toEqual({ ok: false, reason: "target_not_allowed" });
    const any = await signToken(secret, { targets: ["*"], ttlMs: 60_000 });
    expect((await checkToken(secret, any, "whatever")).ok).toBe(true);
  });

  it("refuses missing, garbage, wrongly signed and expired tokens", async () => {
    expect(await checkToken(secret, undefined, "desktop")).toEqual({ ok: false, reason: "missing" });
    expect(await checkToken(secret, "", "desktop")).toEqual({ ok: false, reason: "missing" });
    expect(await checkToken(secret, "not.a.jwt", "desktop")).toEqual({ ok: false, reason: "malformed" });
    const t = await signToken(other, { targets: ["*"], ttlMs: 60_000 });
    expect(await checkToken(secret, t, "desktop")).toEqual({ ok: false, reason: "bad_signature" });
    const old = await signToken(secret, { targets: ["*"], ttlMs: 1000, nowMs: Date.now() - 10_000 });
    expect(await checkToken(secret, old, "desktop")).toEqual({ ok: false, reason: "expired" });
    // checked against an explicit clock too
    const fresh = await signToken(secret, { targets: ["*"], ttlMs: 60_000 });
    expect(await checkToken(secret, fresh, "desktop", Date.now() + 120_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("requires exp, HS256, and a targets array", async () => {
    const noExp = await new SignJWT({ targets: ["*"] }).setProtectedHeader({ alg: "HS256" }).sign(secret);
    expect(await checkToken(secret, noExp, "desktop")).toEqual({ ok: false, reason: "no_exp" });
    const hs512 = await new SignJWT({ targets: ["*"] }).setProtectedHeader({ alg: "HS512" }).setExpirationTime("1h").sign(secret);
    expect((await checkToken(secret, hs512, "desktop")).ok).toBe(false);
    const noTargets = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secret);
    expect(await checkToken(secret, noTargets, "desktop")).toEqual({ ok: false, reason: "target_not_allowed" });
    const stringTargets = await new SignJWT({ targets: "desktop" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secret);
    expect(await checkToken(secret, stringTargets, "desktop")).toEqual({ ok: false, reason: "target_not_allowed" });
    const future = await new SignJWT({ targets: ["*"] }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("2h").setNotBefore("1h").sign(secret);
    expect(await checkToken(secret, future, "desktop")).toEqual({ ok: false, reason: "not_yet_valid" });
  });

  it("refuses an unsigned (alg none) token", async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const none = `${b64({ alg: "none" })}.${b64({ targets: ["*"], exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    expect((await checkToken(secret, none, "desktop")).ok).toBe(false);
  });

  it("refuses to sign tokens without lifetime or targets", async () => {
    await expect(signToken(secret, { targets: [], ttlMs: 1000 })).rejects.toMatchObject({ code: "ERR_GATEWAY_TOKEN" });
    await expect(signToken(secret, { targets: ["a"], ttlMs: 0 })).rejects.toMatchObject({ code: "ERR_GATEWAY_TOKEN" });
  });
});

describe("tokenFromRequest", () => {
  it("takes ?token= first, then Authorization: Bearer", () => {
    expect(tokenFromRequest(new URL("http://x/spice/d?token=abc"), "Bearer zzz")).toBe("abc");
    expect(tokenFromRequest(new URL("http://x/spice/d"), "Bearer zzz")).toBe("zzz");
    expect(tokenFromRequest(new URL("http://x/spice/d"), "bearer   q.r.s ")).toBe("q.r.s");
    expect(tokenFromRequest(new URL("http://x/spice/d"), "Basic abc")).toBeUndefined();
    expect(tokenFromRequest(new URL("http://x/spice/d"), undefined)).toBeUndefined();
  });
});
