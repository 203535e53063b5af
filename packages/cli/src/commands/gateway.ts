import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";

const HELP = `Usage: saffron gateway --config F [--log-level L]
       saffron gateway token --config F --target NAME [--ttl 1h] [--subject S]

Runs the Saffron gateway: serves the web client, and bridges WebSockets at /spice/NAME to the
SPICE server configured as target NAME, for browsers holding a signed token (JWT). The config
file format is in packages/gateway/README.md.

'token' prints a token for NAME ('*' = every target) valid for --ttl (30s, 10m, 1h, 7d).

Options:
  --config F        the gateway's JSON config
  --log-level L     debug|info|warn|error|silent (overrides the config's "log")
`;

const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

export async function gatewayCommand(args: string[]): Promise<number> {
  if (args[0] === "token") return tokenCommand(args.slice(1));
  const { values } = parseArgs({
    args,
    options: { config: { type: "string" }, "log-level": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.config) throw new UsageError(`--config F is required\n\n${HELP}`);
  const level = values["log-level"];
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(", ")}`);
  const gw = await import("@saffron/gateway");
  const config = await loadConfigOrUsage(gw, values.config);
  if (level) config.log = level as (typeof LEVELS)[number];
  const log = gw.jsonLogger((l) => process.stderr.write(l + "\n"), config.log);
  const gateway = new gw.Gateway(config, { log });
  const bound = await gateway.listen();
  process.stdout.write(`saffron gateway listening at ${bound.url} (targets: ${[...config.targets.keys()].join(", ")})\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log.info("gateway", "shutting down", { signal });
  await gateway.close();
  return 0;
}

async function loadConfigOrUsage(gw: typeof import("@saffron/gateway"), file: string) {
  try {
    return await gw.loadConfig(file);
  } catch (e) {
    if (e instanceof gw.GatewayError) throw new UsageError(e.message);
    throw e;
  }
}

async function tokenCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      target: { type: "string" },
      ttl: { type: "string" },
      subject: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.config || !values.target) throw new UsageError(`token needs --config F and --target NAME\n\n${HELP}`);
  const gw = await import("@saffron/gateway");
  const ttlMs = gw.parseDuration(values.ttl ?? "1h");
  if (!ttlMs) throw new UsageError("--ttl must be a duration such as 30s, 10m, 1h, 7d");
  const config = await loadConfigOrUsage(gw, values.config);
  if (config.auth === "none") throw new UsageError('this gateway has auth "none": it needs no token');
  if (values.target !== "*" && !config.targets.has(values.target)) {
    throw new UsageError(`no target '${values.target}' in ${values.config} (targets: ${[...config.targets.keys()].join(", ")})`);
  }
  const token = await gw.signToken(config.auth.jwtSecret, { targets: [values.target], ttlMs, subject: values.subject });
  process.stdout.write(token + "\n");
  return 0;
}
