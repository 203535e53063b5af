import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, resolveConfig } from "./config.js";
import { parseDuration } from "./duration.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const minimal = () => ({ listen: { port: 8080 }, auth: { jwtSecret: SECRET }, targets: { desktop: { host: "127.0.0.1", port: 5930 } } });

describe("resolveConfig", () => {
  it("fills defaults", async () => {
    const c = await resolveConfig(minimal());
    expect(c.listen).toEqual({ port: 8080, addr: "127.0.0.1" });
    expect(c.auth).toEqual({ jwtSecret: new TextEncoder().encode(SECRET) });
    expect(c.targets.get("desktop")).toEqual({ name: "desktop", host: "127.0.0.1", port: 5930 });
    expect(c.staticDir).toBeUndefined();
    expect([c.handshakeTimeoutMs, c.idleTimeoutMs, c.maxConnections, c.metrics, c.log]).toEqual([15_000, 3_600_000, 1000, true, "info"]);
  });

  it("reads secret, password, TLS files relative to the config file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-config-"));
    writeFileSync(join(dir, "secret"), SECRET + "\n");
    writeFileSync(join(dir, "pw"), "s3cret\nignored\n");
    writeFileSync(join(dir, "cert.pem"), "CERT");
    writeFileSync(join(dir, "key.pem"), "KEY");
    writeFileSync(
      join(dir, "gw.json"),
      JSON.stringify({
        listen: { port: 0, addr: "0.0.0.0", tls: { cert: "cert.pem", key: "key.pem" } },
        auth: { jwtSecretFile: "secret" },
        targets: { desktop: { host: "10.0.0.1", port: 5900, passwordFile: "pw" }, "vm-2": { host: "h", port: 1, password: "x" } },
        static: "web",
        timeouts: { handshake: "5s", idle: 60000 },
        maxConnections: 10,
        metrics: false,
        log: "warn",
      }),
    );
    const c = await loadConfig(join(dir, "gw.json"));
    expect(new TextDecoder().decode(c.listen.tls!.cert)).toBe("CERT");
    expect(c.auth !== "none" && new TextDecoder().decode(c.auth.jwtSecret)).toBe(SECRET);
    expect(c.targets.get("desktop")!.password).toBe("s3cret");
    expect(c.targets.get("vm-2")!.password).toBe("x");
    expect(c.staticDir).toBe(join(dir, "web"));
    expect([c.handshakeTimeoutMs, c.idleTimeoutMs, c.maxConnections, c.metrics, c.log]).toEqual([5000, 60000, 10, false, "warn"]);
  });

  it('disables authentication only when auth is exactly "none"', async () => {
    expect((await resolveConfig({ ...minimal(), auth: "none" })).auth).toBe("none");
    for (const auth of [undefined, {}, "None", false, null, { jwtSecret: SECRET, jwtSecretFile: "f" }]) {
      await expect(resolveConfig({ ...minimal(), auth })).rejects.toMatchObject({ code: "ERR_GATEWAY_CONFIG" });
    }
  });

  it("refuses bad configs with a sentence naming the field", async () => {
    const bad: Array<[unknown, RegExp]> = [
      [null, /JSON object/],
      [{ ...minimal(), extra: 1 }, /unknown config key "extra"/],
      [{ ...minimal(), listen: { port: 70000 } }, /listen.port/],
      [{ ...minimal(), listen: { port: "80" } }, /listen.port/],
      [{ ...minimal(), auth: { jwtSecret: "short" } }, /at least 32 bytes/],
      [{ ...minimal(), targets: {} }, /at least one target/],
      [{ ...minimal(), targets: { "bad/name": { host: "h", port: 1 } } }, /target name/],
      [{ ...minimal(), targets: { d: { host: "", port: 1 } } }, /targets.d.host/],
      [{ ...minimal(), targets: { d: { host: "h", port: 0 } } }, /targets.d.port/],
      [{ ...minimal(), targets: { d: { host: "h", port: 1, password: "a", passwordFile: "b" } } }, /not both/],
      [{ ...minimal(), targets: { d: { host: "h", port: 1, password: "x".repeat(61) } } }, /60 bytes/],
      [{ ...minimal(), targets: { d: { host: "h", port: 1, passwordFile: "/nonexistent/pw" } } }, /cannot read/],
      [{ ...minimal(), timeouts: { idle: "forever" } }, /timeouts.idle/],
      [{ ...minimal(), maxConnections: 0 }, /maxConnections/],
      [{ ...minimal(), log: "loud" }, /log must be/],
    ];
    for (const [raw, msg] of bad) await expect(resolveConfig(raw), JSON.stringify(raw)).rejects.toThrow(msg);
  });

  it("loadConfig reports unreadable files and bad JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-config-"));
    writeFileSync(join(dir, "bad.json"), "{ nope");
    await expect(loadConfig(join(dir, "bad.json"))).rejects.toThrow(/not valid JSON/);
    await expect(loadConfig(join(dir, "missing.json"))).rejects.toThrow(/cannot read config/);
  });
});

describe("parseDuration", () => {
  it("reads ms, s, m, h, d and bare seconds", () => {
    expect(["250ms", "30s", "10m", "1h", "7d", "90", "1.5h"].map(parseDuration)).toEqual([250, 30_000, 600_000, 3_600_000, 604_800_000, 90_000, 5_400_000]);
    expect(["", "h", "-1s", "1w", "1 hour"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
