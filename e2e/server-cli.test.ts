// `saffron serve` as a child process: --ticket-expiry (links after the expiry are refused with
// PERMISSION_DENIED while sessions already connected stay) and a prompt exit on SIGTERM with
// clients connected, including connections that never started a link: an idle TCP
// connection, a WebSocket that upgraded but sent nothing, an HTTP keep-alive connection.
// (Before the fix, net.Server.close() waited for such sockets, which no session owned: ~30 s
// for the idle ones (first-byte / link timeouts), ~5 s for HTTP keep-alive.)
import { writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { connectSpice, type SpiceSession } from "@saffron/client/node";
import { ensureCliBuilt, freePort, makeTempDir, runCommand, saffronCliBin, saffronCliEnv, startSaffronCli, stopAllPeers, waitFor, type TrackedProcess } from "@saffron/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

const BIN = saffronCliBin();
const PASSWORD = "expiring-Saffron";

let passwordFile: string;

beforeAll(async () => {
  await ensureCliBuilt();
  passwordFile = join(makeTempDir("server-cli"), "password.txt");
  writeFileSync(passwordFile, PASSWORD + "\n", { mode: 0o600 });
});
afterAll(stopAllPeers);

async function startCli(args: string[]): Promise<{ port: number; proc: TrackedProcess; startedAt: number; output(): string }> {
  const port = await freePort();
  const { proc, output } = await startSaffronCli(["serve", "--port", String(port), ...args], `spice://127.0.0.1:${port}`);
  return { port, proc, startedAt: Date.now(), output };
}

/** The demo never stops animating: wait for the first frame instead of for quiet. */
async function firstFrame(session: SpiceSession): Promise<void> {
  await waitFor(() => session.displays.some((d) => d.primary && d.marked), { timeoutMs: 10_000, label: "first frame" });
}

function tcp(port: number): Promise<Socket> {
  return new Promise((ok, ko) => {
    const s = connect({ host: "127.0.0.1", port }, () => ok(s));
    s.once("error", ko);
  });
}

describe("saffron serve --ticket-expiry", () => {
  it("is documented in --help", async () => {
    const r = await runCommand(process.execPath, [BIN, "serve", "--help"], { env: saffronCliEnv(), timeoutMs: 15_000 });
    expect(r.stdout).toMatch(/--ticket-expiry S/);
    expect(r.stdout).toMatch(/--jpeg-wan M/);
  });

  it("accepts the password until the expiry, then refuses new links; the connected session stays", async () => {
    const cli = await startCli(["--demo", "--password-file", passwordFile, "--ticket-expiry", "2"]);
    try {
      const early = await connectSpice(`spice://127.0.0.1:${cli.port}`, { password: PASSWORD });
      try {
        await firstFrame(early);
        expect(Date.now() - cli.startedAt).toBeLessThan(2000);
        await new Promise((r) => setTimeout(r, Math.max(0, 2300 - (Date.now() - cli.startedAt))));
        const late = await connectSpice(`spice://127.0.0.1:${cli.port}`, { password: PASSWORD }).then(
          (s) => (s.close(), undefined),
          (e: { code?: string }) => e,
        );
        expect(late?.code).toBe("ERR_SPICE_AUTH");
        // The early session is still served: the demo keeps drawing and it keeps receiving.
        const display = early.displays[0]!;
        const before = display.bytesReceived;
        await waitFor(() => display.bytesReceived > before, { timeoutMs: 5000, label: "early session still receiving" });
        expect(early.errors).toEqual([]);
      } finally {
        early.close();
      }
      expect(cli.proc.exitInfo).toBeUndefined();
    } finally {
      await cli.proc.stop(2000);
    }
  });

  it("refuses bad values", async () => {
    const r = await runCommand(process.execPath, [BIN, "serve", "--demo", "--password-file", passwordFile, "--ticket-expiry", "soon"], {
      env: saffronCliEnv(),
      check: false,
      timeoutMs: 15_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ticket-expiry/);
  });
});

describe("saffron serve exits promptly on SIGTERM", () => {
  it("with a client session, an idle connection, an idle WebSocket and an HTTP keep-alive connection (< 300 ms)", async () => {
    const times: number[] = [];
    for (let round = 0; round < 2; round++) {
      const cli = await startCli(["--demo", "--password-file", passwordFile]);
      const held: { destroy(): void }[] = [];
      const session = await connectSpice(`spice://127.0.0.1:${cli.port}`, { password: PASSWORD });
      try {
        await firstFrame(session);
        held.push(await tcp(cli.port)); // never sends a byte
        const ws = new WebSocket(`ws://127.0.0.1:${cli.port}/`, ["binary"]);
        await new Promise((ok, ko) => (ws.once("open", ok), ws.once("error", ko)));
        held.push({ destroy: () => ws.terminate() });
        // A browser-like HTTP request on the SPICE port, answered (426), kept alive.
        const http = await tcp(cli.port);
        held.push(http);
        const answered = new Promise<void>((r) => http.once("data", () => r()));
        http.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        await answered;

        const t0 = performance.now();
        cli.proc.child.kill("SIGTERM");
        const exit = await Promise.race([cli.proc.exited, new Promise<{ code: null }>((r) => setTimeout(() => r({ code: null }), 5000))]);
        const ms = performance.now() - t0;
        times.push(ms);
        expect(exit.code).toBe(0);
      } finally {
        session.close();
        for (const h of held) h.destroy();
        await cli.proc.stop(2000);
      }
    }
    console.info(`serve SIGTERM to exit: ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
    for (const t of times) expect(t).toBeLessThan(300);
  });
});
