import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hasProgram, startXSession, type XSession } from "../demo/x-session.js";
import { UsageError } from "../errors.js";

const HELP = `Usage: saffron demo [--port 8080] [--addr 127.0.0.1] [--source auto|x11|demo] [--ttl 8h]

Starts a desktop served by Saffron and opens it to the browser: an Xvfb display with an xterm
(when Xvfb is installed; otherwise a generated demo picture), a SPICE server on a local port
with a random password that only the gateway knows, and the gateway serving the web client.
Prints the URL to open; Ctrl-C stops everything.

Options:
  --port P          gateway port (default 8080, or the next free one up to 8099)
  --addr A          gateway address (default 127.0.0.1)
  --source S        auto (default): X11 if Xvfb works, else demo; x11; demo
  --ttl D           lifetime of the printed token (default 8h)
  --static DIR      web client folder (default apps/web-client/dist)
  -v, --verbose     debug logs
`;

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      addr: { type: "string" },
      source: { type: "string" },
      ttl: { type: "string" },
      static: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const sourceKind = values.source ?? "auto";
  if (!["auto", "x11", "demo"].includes(sourceKind)) throw new UsageError("--source must be auto, x11 or demo");
  const explicitPort = values.port !== undefined;
  const firstPort = explicitPort ? Number(values.port) : 8080;
  if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65535) throw new UsageError("--port must be a port number");
  const addr = values.addr ?? "127.0.0.1";

  const [gw, server] = await Promise.all([import("@saffron/gateway"), import("@saffron/server")]);
  const ttlMs = gw.parseDuration(values.ttl ?? "8h");
  if (!ttlMs) throw new UsageError("--ttl must be a duration such as 30m, 8h, 7d");
  const log = gw.jsonLogger((l) => process.stderr.write(l + "\n"), values.verbose ? "debug" : "warn");
  const note = (line: string) => process.stderr.write(`saffron demo: ${line}\n`);

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (e) {
        note(`cleanup: ${(e as Error).message}`);
      }
    }
  };
  let stopping = false;
  const stop = new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => {
      stopping = true;
      resolve(s);
    };
    process.once("SIGINT", on);
    process.once("SIGTERM", on);
  });

  try {
    // 1. The desktop.
    let source: import("@saffron/server").DisplaySource | undefined;
    let xsession: XSession | undefined;
    if (sourceKind !== "demo") {
      if (hasProgram("Xvfb")) {
        try {
          xsession = await startXSession({ onLog: note });
          cleanups.push(() => xsession!.stop());
          source = await server.x11Source(xsession.display);
        } catch (e) {
          if (sourceKind === "x11") throw e;
          note(`X11 desktop unavailable (${(e as Error).message}); showing the demo picture instead`);
          await cleanup();
          source = undefined;
        }
      } else if (sourceKind === "x11") throw new UsageError("--source x11 needs Xvfb (apt-get install xvfb xterm)");
      else note("Xvfb is not installed; showing the demo picture (apt-get install xvfb xterm for a live desktop)");
    }
    source ??= new server.DemoSource();
    if (stopping) return 0;

    // 2. The SPICE server, on a free loopback port, with a password only the gateway holds.
    const password = randomBytes(24).toString("base64url");
    const spice = new server.SpiceServer({ source, password, name: "Saffron demo", log });
    const bound = await spice.listen({ port: 0, addr: "127.0.0.1" });
    cleanups.push(() => spice.close());

    // 3. The gateway.
    const secret = randomBytes(32);
    const staticDir = values.static ?? gw.defaultStaticDir();
    let gateway: import("@saffron/gateway").Gateway | undefined;
    let url = "";
    for (let port = firstPort; ; port++) {
      const config: import("@saffron/gateway").GatewayConfig = {
        listen: { port, addr },
        auth: { jwtSecret: new Uint8Array(secret) },
        targets: new Map([["desktop", { name: "desktop", host: "127.0.0.1", port: bound.port!, password }]]),
        staticDir,
        handshakeTimeoutMs: 15_000,
        idleTimeoutMs: 0,
        maxConnections: 200,
        metrics: true,
        log: values.verbose ? "debug" : "warn",
      };
      const candidate = new gw.Gateway(config, { log });
      try {
        url = (await candidate.listen()).url;
        gateway = candidate;
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (explicitPort || code !== "EADDRINUSE" || port >= 8099) throw e;
      }
    }
    cleanups.push(() => gateway!.close());

    const token = await gw.signToken(secret, { targets: ["desktop"], ttlMs, subject: "demo" });
    const pageUrl = `${url}/?target=desktop&token=${token}&autoconnect=1`;
    const built = existsSync(join(staticDir, "index.html"));
    process.stdout.write(
      [
        `Saffron demo: ${source.description}, served by SPICE on 127.0.0.1:${bound.port} (password held by the gateway)`,
        `Open this URL in a browser (valid for ${values.ttl ?? "8h"}):`,
        ``,
        `  ${pageUrl}`,
        ``,
        built ? `Web client: ${staticDir}` : `The web client is not built (${staticDir}); run 'npm run build:web' or use another SPICE client.`,
        `Press Ctrl-C to stop.`,
        ``,
      ].join("\n"),
    );

    const signal = await stop;
    note(`${signal}: stopping`);
    return 0;
  } finally {
    await cleanup();
    // Anything a source left open (X connections) must not keep the process alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 1500).unref();
  }
}
