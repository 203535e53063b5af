import { parseArgs } from "node:util";
import { lineLogger, parseSpiceUri, silentLogger } from "@saffron/client";
import { connectSpice } from "@saffron/client/node";
import { display } from "@saffron/protocol";
import { UsageError } from "../errors.js";
import { resolvePassword } from "../password.js";
import { writeRgbaPng } from "../png.js";

const HELP = `Usage: saffron screenshot <spice://host:port> -o out.png [options]

Connects, renders the desktop, and writes the primary surface as PNG.

Options:
  -o, --output FILE              where to write the PNG (required)
  --wait-ms N                    render for N ms, then write (default: until the display
                                 has been idle for 500 ms)
  --idle-ms N                    idle time that ends the default wait (default 500)
  --timeout-ms N                 give up after N ms (default 60000)
  --preferred-compression MODE   ask the server for off|auto-glz|auto-lz|quic|glz|lz|lz4
  --password-file F              read the password from F (else SPICE_PASSWORD, else the URI)
  -v, --verbose                  log the session to stderr
`;

export const COMPRESSION_MODES: Record<string, number> = {
  off: display.ImageCompression.Off,
  "auto-glz": display.ImageCompression.AutoGlz,
  auto_glz: display.ImageCompression.AutoGlz,
  "auto-lz": display.ImageCompression.AutoLz,
  auto_lz: display.ImageCompression.AutoLz,
  quic: display.ImageCompression.Quic,
  glz: display.ImageCompression.Glz,
  lz: display.ImageCompression.Lz,
  lz4: display.ImageCompression.Lz4,
};

export async function screenshotCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: "string", short: "o" },
      "wait-ms": { type: "string" },
      "idle-ms": { type: "string" },
      "timeout-ms": { type: "string" },
      "preferred-compression": { type: "string" },
      "password-file": { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const uri = positionals[0];
  if (!uri || positionals.length > 1) throw new UsageError(`expected one spice:// URI\n\n${HELP}`);
  if (!values.output) throw new UsageError(`-o/--output is required\n\n${HELP}`);
  const num = (name: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number`);
    return n;
  };
  const waitMs = values["wait-ms"] === undefined ? undefined : num("wait-ms", values["wait-ms"], 0);
  const idleMs = num("idle-ms", values["idle-ms"], 500);
  const timeoutMs = num("timeout-ms", values["timeout-ms"], 60_000);
  let preferredCompression: number | undefined;
  if (values["preferred-compression"] !== undefined) {
    preferredCompression = COMPRESSION_MODES[values["preferred-compression"]];
    if (preferredCompression === undefined) {
      throw new UsageError(`--preferred-compression must be one of ${Object.keys(COMPRESSION_MODES).filter((k) => !k.includes("_")).join(", ")}`);
    }
  }
  const target = parseSpiceUri(uri);
  const password = await resolvePassword(values["password-file"], target.password);
  const log = values.verbose ? lineLogger((l) => process.stderr.write(l + "\n"), "debug") : silentLogger;

  const session = await connectSpice({ ...target, password }, { password, preferredCompression, log });
  try {
    if (waitMs !== undefined) {
      await new Promise((r) => setTimeout(r, waitMs));
    } else {
      await session.waitForIdle(idleMs, timeoutMs);
    }
    const failure = session.errors.find((e) => e.channel.startsWith("display"));
    if (failure) throw failure.error;
    const surface = session.primary;
    if (!surface) throw new Error("the server created no primary surface");
    await writeRgbaPng(values.output, surface.width, surface.height, surface.toRgba());
    if (values.verbose) {
      for (const d of session.displays) {
        process.stderr.write(`${d.name}: draws ${JSON.stringify(d.drawCounts)} images ${JSON.stringify(d.images.stats)} streams ${d.streams.framesDecoded} frames\n`);
      }
    }
    return 0;
  } finally {
    session.close();
  }
}
