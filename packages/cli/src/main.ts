import { describeError, UsageError } from "./errors.js";

const USAGE = `saffron: the SPICE remote-desktop toolkit

Usage:
  saffron screenshot <spice://host:port> -o out.png [--wait-ms N] [--preferred-compression MODE]
                     [--password-file F] [--timeout-ms N]
  saffron info <spice://host:port> [--password-file F] [--json]
  saffron decode <file.quic|.lz|.glz|.lz4> -o out.png [--width W --height H]
  saffron bench codecs|encoders [--json] [--filter RE] [--iterations N]
  saffron bench workloads [--json] [--filter RE] [--runs N]
  saffron bench replay [--json] [--runs N] [--spice-html5 DIR] [--recording FILE]
  saffron bench latency [--json] [--presses N]
  saffron serve (--demo | --image F.png | --x11 :N) [--port 5930] [--addr 127.0.0.1]
                [--password-file F | --disable-ticketing] [--tls-port P --cert F --key F]
                [--image-compression MODE]
  saffron gateway --config F [--log-level L]
  saffron gateway token --config F --target NAME [--ttl 1h]
  saffron demo [--port 8080] [--source auto|x11|demo]

The password may also come from the SPICE_PASSWORD environment variable or from the URI
(?password=...). Run 'saffron <command> --help' for details.
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  screenshot: async () => (await import("./commands/screenshot.js")).screenshotCommand,
  info: async () => (await import("./commands/info.js")).infoCommand,
  decode: async () => (await import("./commands/decode.js")).decodeCommand,
  bench: async () => (await import("./commands/bench.js")).benchCommand,
  serve: async () => (await import("./commands/serve.js")).serveCommand,
  gateway: async () => (await import("./commands/gateway.js")).gatewayCommand,
  demo: async () => (await import("./commands/demo.js")).demoCommand,
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`saffron: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    process.stderr.write(`saffron ${name}: ${describeError(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
