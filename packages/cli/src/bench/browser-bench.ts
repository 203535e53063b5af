import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Headless Chromium flags of the browser benchmarks (Debian's /usr/bin/chromium, nothing downloaded). */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const CHROMIUM_PATH = "/usr/bin/chromium";

const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".map": "application/json" };

/** The repository root (where apps/web-client is), from this module's location. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "apps/web-client/build.mjs"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("bench: cannot find apps/web-client (run it from the Saffron repository)");
}

/** Builds apps/web-client (esbuild) and returns its dist folder. */
export async function buildWebClientDist(): Promise<string> {
  const { buildWebClient } = (await import(pathToFileURL(join(repoRoot(), "apps/web-client/build.mjs")).href)) as { buildWebClient(): Promise<{ dist: string }> };
  return resolve((await buildWebClient()).dist);
}

export interface PageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves files from `root` on 127.0.0.1 (a random port), and under each `mounts` prefix (such as
 * "/html5/") the files of another folder, all alike: validators and revalidation, so that every
 * client's scripts get the browser's HTTP and compiled-code caches as from any web server. `route`
 * may answer a request first (return true when it did).
 */
export async function startPageServer(
  root: string,
  route?: (path: string, res: ServerResponse, req: IncomingMessage) => boolean,
  mounts: Record<string, string> = {},
): Promise<PageServer> {
  const folders = Object.entries(mounts).map(([prefix, dir]) => [prefix, resolve(dir)] as const);
  const http: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (route?.(path, res, req)) return;
    const [prefix, base] = folders.find(([p]) => path.startsWith(p)) ?? ["/", resolve(root)];
    const rel = path.slice(prefix.length);
    serveFile(normalize(join(base, rel === "" ? "index.html" : rel)), base, req, res);
  });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  return {
    origin: `http://127.0.0.1:${(http.address() as { port: number }).port}`,
    close: () => new Promise<void>((ok) => http.close(() => ok())),
  };
}

function serveFile(file: string, base: string, req: IncomingMessage, res: ServerResponse): void {
  if (!file.startsWith(base)) return void res.writeHead(403).end();
  let body: Buffer;
  let etag: string;
  try {
    const info = statSync(file);
    etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
    // A revalidated script keeps the browser's compiled-code cache, as with any web server.
    if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag, "cache-control": "no-cache" }).end();
    body = readFileSync(file);
  } catch {
    return void res.writeHead(404).end();
  }
  res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", etag, "cache-control": "no-cache" }).end(body);
}
