import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** The built web client of this repository: apps/web-client/dist (same depth from src/ and dist/). */
export function defaultStaticDir(): string {
  return fileURLToPath(new URL("../../../apps/web-client/dist", import.meta.url));
}

/** Headers on every response: the page URL carries a token, so it must not leak as a referrer. */
export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The file under `root` that a URL path names, or undefined when the path is malformed, leaves
 * the root (".." or an absolute or encoded escape), or names a dot-file. "/" is index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes("\0") || path.includes("\\")) return undefined;
  if (path === "" || path.endsWith("/")) path += "index.html";
  const segments = path.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === ".." || s === "." || s.startsWith("."))) return undefined;
  const file = resolve(root, ...segments);
  const rel = relative(root, file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return file;
}

/** Serves GET/HEAD for files under `root` (symlinks leaving the root are refused). */
export async function serveStatic(root: string | undefined, req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "method not allowed\n");
  }
  if (!root) return send(res, 404, "not found (this gateway serves no web client)\n");
  const file = resolveStaticPath(root, urlPath);
  if (!file) return send(res, 404, "not found\n");
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
  } catch {
    return send(res, 404, urlPath === "/" ? "not found: the web client is not built (npm run build:web)\n" : "not found\n");
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return send(res, 404, "not found\n");
  const info = await stat(real).catch(() => undefined);
  if (!info?.isFile()) return send(res, 404, "not found\n");
  const type = TYPES[extname(real).toLowerCase()] ?? "application/octet-stream";
  // Pages are never stored (their URL carries the token). Scripts and other assets are
  // revalidated on every load (no-cache + ETag): a rebuilt client is picked up at once, and an
  // unchanged one costs a 304 and keeps the browser's compiled-code cache, which shortens the
  // console's start (its session worker is compiled from cache).
  const cacheable = !type.startsWith("text/html");
  const etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
  const caching: Record<string, string> = cacheable ? { "cache-control": "no-cache", etag } : {};
  if (cacheable && req.headers["if-none-match"] === etag) {
    res.writeHead(304, { ...SECURITY_HEADERS, ...caching });
    return void res.end();
  }
  res.writeHead(200, { ...SECURITY_HEADERS, ...caching, "content-type": type, "content-length": info.size });
  if (req.method === "HEAD") return void res.end();
  const stream = createReadStream(real);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}
