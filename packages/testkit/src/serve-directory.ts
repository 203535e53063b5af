import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".map": "application/json" };

export interface DirectoryServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves the files under `dir` over HTTP on 127.0.0.1 (a random port): `/` is index.html,
 * paths outside `dir` get 403, missing files 404. For a built page such as apps/web-client/dist.
 */
export async function serveDirectory(dir: string): Promise<DirectoryServer> {
  const root = resolve(dir);
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = normalize(join(root, path === "/" ? "index.html" : decodeURIComponent(path)));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  return {
    origin: `http://127.0.0.1:${(http.address() as { port: number }).port}`,
    close: () => new Promise<void>((ok) => http.close(() => ok())),
  };
}
