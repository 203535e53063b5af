import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { lineLogger } from "@saffron/protocol";
import { UsageError } from "../errors.js";

const HELP = `Usage: saffron serve (--demo | --image F.png | --x11 :N) [options]

Serves a desktop over SPICE to any SPICE client (remote-viewer, spicy, spice-html5, saffron).

Options:
  --port P                 plain TCP port, also accepting WebSocket (default 5930)
  --addr A                 listen address (default 127.0.0.1)
  --password-file F        the ticket clients must give (first line of F); or SPICE_PASSWORD
  --disable-ticketing      let anyone connect without a password
  --ticket-expiry S        the password is valid for S seconds from start: later links are
                           refused (PERMISSION_DENIED); clients already connected stay
  --tls-port P --cert F --key F   also listen with TLS
  --image-compression M    off|quic|lz|glz|lz4|auto_lz|auto_glz (default auto_glz)
  --jpeg-wan M             auto|never|always (default auto): photo-like areas as JPEG, always
                           or only for clients on a slow link (< 10 Mbit/s in the network test
                           at connect); lossy areas are redrawn exactly after 1 s without change
  --zlib-glz-wan M         auto|never|always (default auto): GLZ images deflated when smaller,
                           always or only for clients on a slow link
  --no-pixmap-cache        do not use the clients' image caches (repeated pixels are re-sent)
  -v, --verbose            log connections and errors to stderr
`;

const MODES = ["off", "quic", "lz", "glz", "lz4", "auto_lz", "auto_glz"] as const;
const JPEG_WAN = ["auto", "never", "always"] as const;
const ZLIB_GLZ_WAN = JPEG_WAN;

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      addr: { type: "string" },
      "password-file": { type: "string" },
      "disable-ticketing": { type: "boolean" },
      "tls-port": { type: "string" },
      cert: { type: "string" },
      key: { type: "string" },
      "image-compression": { type: "string" },
      "jpeg-wan": { type: "string" },
      "zlib-glz-wan": { type: "string" },
      "no-pixmap-cache": { type: "boolean" },
      "ticket-expiry": { type: "string" },
      demo: { type: "boolean" },
      image: { type: "string" },
      x11: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const sources = [values.demo, values.image, values.x11].filter((v) => v !== undefined);
  if (sources.length !== 1) throw new UsageError(`choose exactly one of --demo, --image F.png, --x11 :N\n\n${HELP}`);
  const mode = (values["image-compression"] ?? "auto_glz") as (typeof MODES)[number];
  if (!MODES.includes(mode)) throw new UsageError(`--image-compression must be one of ${MODES.join(", ")}`);
  const jpegWan = (values["jpeg-wan"] ?? "auto") as (typeof JPEG_WAN)[number];
  if (!JPEG_WAN.includes(jpegWan)) throw new UsageError(`--jpeg-wan must be one of ${JPEG_WAN.join(", ")}`);
  const zlibGlzWan = (values["zlib-glz-wan"] ?? "auto") as (typeof ZLIB_GLZ_WAN)[number];
  if (!ZLIB_GLZ_WAN.includes(zlibGlzWan)) throw new UsageError(`--zlib-glz-wan must be one of ${ZLIB_GLZ_WAN.join(", ")}`);
  let ticketExpirySeconds: number | undefined;
  if (values["ticket-expiry"] !== undefined) {
    ticketExpirySeconds = Number(values["ticket-expiry"]);
    if (!Number.isFinite(ticketExpirySeconds) || ticketExpirySeconds <= 0) throw new UsageError("--ticket-expiry must be a number of seconds > 0");
    if (values["disable-ticketing"]) throw new UsageError("--ticket-expiry needs a password (not --disable-ticketing)");
  }
  const port = values.port === undefined ? 5930 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be a port number");
  let password: string | undefined;
  if (values["password-file"]) {
    try {
      password = (await readFile(values["password-file"], "utf8")).split(/\r?\n/)[0];
    } catch (e) {
      throw new UsageError(`cannot read password file: ${(e as Error).message}`);
    }
  } else password = process.env.SPICE_PASSWORD;
  if (!password && !values["disable-ticketing"]) {
    throw new UsageError("a password is required: --password-file F or SPICE_PASSWORD, or --disable-ticketing to allow anyone");
  }
  let tls;
  if (values["tls-port"] !== undefined) {
    if (!values.cert || !values.key) throw new UsageError("--tls-port needs --cert and --key");
    tls = { cert: await readFile(values.cert), key: await readFile(values.key) };
  }

  const server = await import("@saffron/server");
  let source;
  if (values.demo) source = new server.DemoSource();
  else if (values.image) source = await server.imageSource(values.image);
  else {
    source = await server.x11Source(values.x11!);
  }
  const log = values.verbose ? lineLogger((l) => process.stderr.write(l + "\n"), "info") : undefined;
  const spice = new server.SpiceServer({
    source,
    password,
    disableTicketing: values["disable-ticketing"],
    imageCompression: mode,
    jpegWan,
    zlibGlzWan,
    pixmapCache: values["no-pixmap-cache"] ? false : undefined,
    log,
    name: "Saffron",
  });
  const bound = await spice.listen({
    port: values["tls-port"] !== undefined && values.port === undefined ? undefined : port,
    addr: values.addr,
    tlsPort: values["tls-port"] === undefined ? undefined : Number(values["tls-port"]),
    tls,
  });
  // The expiry counts from when the server is ready, as with spice-server's set_ticket(lifetime).
  if (ticketExpirySeconds !== undefined) spice.setTicketExpiry(Date.now() + ticketExpirySeconds * 1000);
  const host = values.addr ?? "127.0.0.1";
  const parts = [bound.port !== undefined ? `port=${bound.port}` : "", bound.tlsPort !== undefined ? `tls-port=${bound.tlsPort}` : ""].filter(Boolean);
  process.stdout.write(`serving ${source.description} at spice://${host}${bound.port !== undefined ? ":" + bound.port : ""}${bound.port === undefined ? "?" + parts.join("&") : bound.tlsPort !== undefined ? "?tls-port=" + bound.tlsPort : ""}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      // A second signal while closing: leave at once.
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(143));
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await spice.close();
  return 0;
}
