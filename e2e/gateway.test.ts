// The gateway between a WebSocket client and real SPICE servers: ticket substitution (the
// client holds no password) against our server and Xspice, token checks that refuse before
// any TCP connection, unknown targets, /metrics, the CLI (`saffron gateway`), and `saffron demo`.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectSpice } from "@saffron/client/node";
import type { DecodedImage } from "@saffron/codecs";
import { Gateway, resolveConfig, signToken, type GatewayConfig } from "@saffron/gateway";
import { FramebufferSource, SpiceServer } from "@saffron/server";
import {
  expectSameImage,
  openXterm,
  setRootColor,
  showImage,
  spawnTracked,
  spicyScreenshot,
  startXspice,
  stopAllPeers,
  waitFor,
} from "@saffron/testkit";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plasma, surfaceImage } from "./fixtures.js";

afterAll(stopAllPeers);

const SECRET = "e2e-gateway-secret-0123456789abcdef";
const secretBytes = new TextEncoder().encode(SECRET);
const CLI = join(import.meta.dirname, "..", "packages", "cli", "dist", "bin.js");

/** HTTP GET on the gateway: status and body. */
function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Tries a WebSocket upgrade; resolves with the HTTP status of a refusal, or 101 when it opened. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("unexpected-response", (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.close();
    });
    ws.once("error", (e) => reject(e));
  });
}

/** A TCP listener that counts accepted connections (a target that must never be reached). */
async function countingTarget(): Promise<{ server: Server; port: number; accepted: () => number }> {
  let n = 0;
  const server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  return { server, port: typeof a === "object" && a ? a.port : 0, accepted: () => n };
}

/** B, G, R of every pixel equal (the X byte of a SPICE surface is undefined). */
function expectSamePicture(ours: DecodedImage, want: DecodedImage, name: string): void {
  expectSameImage(ours, want, { label: name, artifact: `gateway-${name}` });
}

async function startGateway(targets: Record<string, { host: string; port: number; password?: string }>, extra: Record<string, unknown> = {}) {
  const config: GatewayConfig = await resolveConfig({ listen: { port: 0 }, auth: { jwtSecret: SECRET }, targets, log: "silent", ...extra });
  const gateway = new Gateway(config);
  const { port } = await gateway.listen();
  return { gateway, port, ws: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}` };
}

const token = (targets: string[], ttlMs = 60_000, nowMs?: number) => signToken(secretBytes, { targets, ttlMs, nowMs });

describe("gateway in front of our SpiceServer (password held by the gateway)", () => {
  const picture = plasma(320, 200, 5);
  let spice: SpiceServer;
  let spicePort: number;
  let gw: Awaited<ReturnType<typeof startGateway>>;

  beforeAll(async () => {
    const source = new FramebufferSource({ width: picture.width, height: picture.height });
    source.pixels.set(picture.data);
    spice = new SpiceServer({ source, password: "ours-secret" });
    spicePort = (await spice.listen({ port: 0 })).port!;
    gw = await startGateway({
      desktop: { host: "127.0.0.1", port: spicePort, password: "ours-secret" },
      plain: { host: "127.0.0.1", port: spicePort },
    });
  });
  afterAll(async () => {
    await gw?.gateway.close();
    await spice?.close();
  });

  it("a client with no password renders the picture exactly, several sessions at once", async () => {
    const url = `${gw.ws}/spice/desktop?token=${await token(["desktop"])}`;
    const sessions = await Promise.all([0, 1, 2, 3].map(() => connectSpice(url)));
    try {
      await Promise.all(sessions.map((s) => s.waitForIdle(300, 20_000)));
      expect(gw.gateway.connectionCount).toBeGreaterThanOrEqual(4 * 3); // main, display, inputs, cursor each
      for (const [i, s] of sessions.entries()) {
        expect(s.errors).toEqual([]);
        expectSamePicture(surfaceImage({ ...s.primary!, data: s.primary!.data.slice() }), picture, `ours-${i}`);
      }
    } finally {
      for (const s of sessions) s.close();
    }
    expect(spice.authFailures).toBe(0);
  });


  it("without a password in the gateway, the same client is refused by the server (the substitution is what lets it in)", async () => {
    await expect(connectSpice(`${gw.ws}/spice/plain?token=${await token(["plain"])}`)).rejects.toMatchObject({ code: "ERR_SPICE_AUTH" });
    expect(spice.authFailures).toBe(1);
    const s = await connectSpice(`${gw.ws}/spice/plain?token=${await token(["plain"])}`, { password: "ours-secret" });
    s.close();
  });

  it("serves wss:// with the configured certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-tls-"));
    const made = spawnTracked("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ]);
    expect((await made.exited).code).toBe(0);
    const config = await resolveConfig(
      { listen: { port: 0, tls: { cert: "cert.pem", key: "key.pem" } }, auth: { jwtSecret: SECRET }, targets: { desktop: { host: "127.0.0.1", port: spicePort, password: "ours-secret" } }, log: "silent" },
      dir,
    );
    const tlsGw = new Gateway(config);
    const { url } = await tlsGw.listen();
    try {
      expect(url).toMatch(/^https:/);
      const s = await connectSpice(`${url.replace(/^https/, "wss")}/spice/desktop?token=${await token(["desktop"])}`, { tls: { rejectUnauthorized: false } });
      try {
        await s.waitForIdle(300, 20_000);
        expectSamePicture(surfaceImage({ ...s.primary!, data: s.primary!.data.slice() }), picture, "ours-tls");
      } finally {
        s.close();
      }
    } finally {
      await tlsGw.close();
    }
  });

  it("takes the token from Authorization: Bearer too", async () => {
    const s = await connectSpice(`${gw.ws}/spice/desktop`, { headers: { authorization: `Bearer ${await token(["*"])}` } });
    try {
      await s.waitForIdle(300, 20_000);
      expectSamePicture(surfaceImage({ ...s.primary!, data: s.primary!.data.slice() }), picture, "ours-bearer");
    } finally {
      s.close();
    }
  });

  it("/metrics shows connections and the bytes each way", async () => {
    await waitFor(() => gw.gateway.connectionCount === 0, { timeoutMs: 5000, label: "bridges closed" });
    const { status, body } = await httpGet(`${gw.http}/metrics`);
    expect(status).toBe(200);
    const value = (re: RegExp) => Number(re.exec(body)?.[1] ?? NaN);
    const toClient = value(/^saffron_gateway_bytes_total\{target="desktop",direction="to_client"\} (\d+)$/m);
    const toTarget = value(/^saffron_gateway_bytes_total\{target="desktop",direction="to_target"\} (\d+)$/m);
    // Five sessions of a 320x200 picture (plus the two on "plain"); the ticket alone is 128 bytes per channel each way.
    expect(toClient).toBeGreaterThan(5 * 20_000);
    expect(toTarget).toBeGreaterThan(5 * 4 * 128);
    expect(value(/^saffron_gateway_connections_total\{target="desktop"\} (\d+)$/m)).toBeGreaterThanOrEqual(5 * 3);
    expect(value(/^saffron_gateway_connections_open\{target="desktop"\} (\d+)$/m)).toBe(0);
  });
});

describe("gateway in front of Xspice (password held by the gateway)", () => {
  it("renders the desktop exactly as spicy-screenshot", async () => {
    const password = "xspice-gw-pw";
    const xspice = await startXspice({ password, resolution: "1024x768" });
    const gw = await startGateway({ xspice: { host: "127.0.0.1", port: xspice.port, password } });
    try {
      await setRootColor(xspice.display, "#3a6e5a");
      await showImage(xspice.display, plasma(300, 180, 3), { x: 600, y: 60 });
      await openXterm(xspice.display, { text: "through the Saffron gateway\n", geometry: "60x10+20+20" });
      const session = await connectSpice(`${gw.ws}/spice/xspice?token=${await token(["xspice"])}`);
      let ours: DecodedImage;
      try {
        await session.waitForIdle(500, 30_000);
        expect(session.errors).toEqual([]);
        expect(session.primary?.width).toBe(1024);
        ours = surfaceImage({ ...session.primary!, data: session.primary!.data.slice() });
      } finally {
        session.close();
      }
      // spice-server serves one client at a time: ours is closed before spicy-screenshot connects.
      await waitFor(() => gw.gateway.connectionCount === 0, { timeoutMs: 5000, label: "bridges closed" });
      const reference = await spicyScreenshot({ port: xspice.port, password });
      expectSamePicture(ours, reference, "xspice");
    } finally {
      await gw.gateway.close();
      await xspice.stop();
    }
  });
});

describe("gateway refusals", () => {
  let target: Awaited<ReturnType<typeof countingTarget>>;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    target = await countingTarget();
    gw = await startGateway({ dummy: { host: "127.0.0.1", port: target.port } });
  });
  afterAll(async () => {
    await gw?.gateway.close();
    target?.server.close();
  });

  it("bad, expired and missing tokens get 401 and no TCP connection reaches the target", async () => {
    const wrongSecret = await signToken(new TextEncoder().encode("another-secret-0123456789abcdef!!"), { targets: ["*"], ttlMs: 60_000 });
    const expired = await token(["dummy"], 1000, Date.now() - 60_000);
    const otherTarget = await token(["elsewhere"]);
    const statuses = [
      await upgradeStatus(`${gw.ws}/spice/dummy?token=${wrongSecret}`),
      await upgradeStatus(`${gw.ws}/spice/dummy?token=${expired}`),
      await upgradeStatus(`${gw.ws}/spice/dummy`),
      await upgradeStatus(`${gw.ws}/spice/dummy?token=garbage`),
      await upgradeStatus(`${gw.ws}/spice/dummy?token=${otherTarget}`),
      await upgradeStatus(`${gw.ws}/spice/dummy`, { authorization: `Bearer ${expired}` }),
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    // The Node client reports it as an authentication failure.
    await expect(connectSpice(`${gw.ws}/spice/dummy?token=${expired}`)).rejects.toMatchObject({ code: "ERR_SPICE_AUTH" });
    await new Promise((r) => setTimeout(r, 300));
    expect(target.accepted()).toBe(0);
    const { body } = await httpGet(`${gw.http}/metrics`);
    const failures = [...body.matchAll(/^saffron_gateway_auth_failures_total\{reason="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(failures)).toEqual({ bad_signature: 1, expired: 3, missing: 1, malformed: 1, target_not_allowed: 1 });

    // The same target with a good token is reached: the counter does count.
    expect(await upgradeStatus(`${gw.ws}/spice/dummy?token=${await token(["dummy"])}`)).toBe(101);
    await waitFor(() => target.accepted() === 1, { timeoutMs: 5000, label: "dummy target reached" });
  });

  it("a target that accepts but never answers is cut at the handshake timeout", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    const s = await startGateway({ silent: { host: "127.0.0.1", port } }, { timeouts: { handshake: "400ms" } });
    try {
      const t0 = Date.now();
      await expect(connectSpice(`${s.ws}/spice/silent?token=${await token(["silent"])}`, { connectTimeoutMs: 10_000 })).rejects.toBeTruthy();
      const ms = Date.now() - t0;
      expect(ms).toBeGreaterThanOrEqual(350);
      expect(ms).toBeLessThan(5000);
      await waitFor(() => s.gateway.connectionCount === 0, { timeoutMs: 3000, label: "bridge closed" });
    } finally {
      await s.gateway.close();
      silent.close();
    }
  });

  it("a target not in the config gets 404 (with or without a token), other paths too", async () => {
    const good = await token(["*"]);
    expect(await upgradeStatus(`${gw.ws}/spice/nope?token=${good}`)).toBe(404);
    expect(await upgradeStatus(`${gw.ws}/spice/nope`)).toBe(404);
    expect(await upgradeStatus(`${gw.ws}/spice/127.0.0.1:22?token=${good}`)).toBe(404);
    expect(await upgradeStatus(`${gw.ws}/other?token=${good}`)).toBe(404);
    // A plain GET answers what the upgrade would get (the web client tells a refused token so).
    expect((await httpGet(`${gw.http}/spice/dummy?token=${good}`)).status).toBe(426);
    expect((await httpGet(`${gw.http}/spice/dummy`)).status).toBe(401);
    expect((await httpGet(`${gw.http}/spice/dummy?token=x${good}`)).body).toMatch(/^unauthorized \(\w+\)/);
    expect((await httpGet(`${gw.http}/spice/nope?token=${good}`)).status).toBe(404);
  });

  it("static files stay inside the web client folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-static-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(dir, "main.js"), "console.log(1)");
    const s = await startGateway({ dummy: { host: "127.0.0.1", port: target.port } }, { static: dir });
    try {
      const index = await httpGet(`${s.http}/`);
      expect([index.status, index.headers["content-type"], index.headers["referrer-policy"]]).toEqual([200, "text/html; charset=utf-8", "no-referrer"]);
      expect((await httpGet(`${s.http}/main.js`)).headers["content-type"]).toBe("text/javascript; charset=utf-8");
      for (const p of ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/missing.js"]) {
        expect((await httpGet(`${s.http}${p}`)).status, p).toBe(404);
      }
    } finally {
      await s.gateway.close();
    }
  });
});

describe("saffron gateway (CLI)", () => {
  it("runs from a config file, prints tokens that it accepts, stops on SIGTERM", async () => {
    const target = await countingTarget();
    const dir = mkdtempSync(join(tmpdir(), "gw-cli-"));
    writeFileSync(join(dir, "secret"), SECRET + "\n");
    const config = join(dir, "gateway.json");
    writeFileSync(config, JSON.stringify({ listen: { port: 0 }, auth: { jwtSecretFile: "secret" }, targets: { dummy: { host: "127.0.0.1", port: target.port } } }));
    try {
      const tok = spawnTracked("node", [CLI, "gateway", "token", "--config", config, "--target", "dummy", "--ttl", "5m"]);
      let tokenOut = "";
      tok.child.stdout!.on("data", (b: Buffer) => (tokenOut += b.toString()));
      expect((await tok.exited).code).toBe(0);
      const jwt = tokenOut.trim();
      expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      const proc = spawnTracked("node", [CLI, "gateway", "--config", config]);
      let out = "";
      let err = "";
      proc.child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
      proc.child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
      const url = await waitFor(() => /listening at (http:\/\/\S+)/.exec(out)?.[1], { timeoutMs: 15_000, label: "gateway listening" });
      const ws = url.replace(/^http/, "ws");
      expect(await upgradeStatus(`${ws}/spice/dummy?token=${jwt}`)).toBe(101);
      expect(await upgradeStatus(`${ws}/spice/dummy?token=x${jwt}`)).toBe(401);
      await waitFor(() => target.accepted() === 1, { timeoutMs: 5000, label: "target reached" });
      // Structured logs: one JSON object per line.
      await waitFor(() => err.includes('"msg":"upgrade refused"'), { timeoutMs: 5000, label: "refusal logged" });
      for (const line of err.trim().split("\n")) expect(() => JSON.parse(line), line).not.toThrow();
      const t0 = Date.now();
      proc.child.kill("SIGTERM");
      const exit = await proc.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      target.server.close();
    }
  });
});

describe("saffron demo", () => {
  it("starts a desktop, prints a URL whose page answers and whose token opens the desktop, stops on SIGTERM", async () => {
    const proc = spawnTracked("node", [CLI, "demo", "--port", "0"]);
    let out = "";
    let err = "";
    proc.child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    proc.child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
    try {
      const page = await waitFor(() => /(http:\/\/127\.0\.0\.1:\d+\/\?target=desktop&token=[\w.-]+&autoconnect=1)/.exec(out)?.[1], {
        timeoutMs: 30_000,
        label: `demo URL (stdout: ${out} stderr: ${err})`,
      });
      const u = new URL(page);
      const webBuilt = existsSync(join(import.meta.dirname, "..", "apps", "web-client", "dist", "index.html"));
      const res = await httpGet(page);
      expect(res.status).toBe(webBuilt ? 200 : 404);

      // The printed token opens the desktop through the gateway, without the SPICE password.
      const session = await connectSpice(`ws://${u.host}/spice/desktop?token=${u.searchParams.get("token")}`);
      try {
        await session.waitForIdle(300, 20_000);
        expect(session.errors).toEqual([]);
        expect(session.primary!.width).toBeGreaterThan(0);
      } finally {
        session.close();
      }
      const display = /x11 (:\d+)/.exec(out)?.[1];

      const t0 = Date.now();
      proc.child.kill("SIGTERM");
      const exit = await proc.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      if (display) expect(existsSync(`/tmp/.X11-unix/X${display.slice(1)}`)).toBe(false); // Xvfb stopped too
    } finally {
      await proc.stop(1000);
    }
  });
});
