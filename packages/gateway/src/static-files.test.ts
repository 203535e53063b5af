import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveStaticPath, serveStatic } from "./static-files.js";

describe("resolveStaticPath", () => {
  const root = "/srv/web";
  it("maps / to index.html and plain paths inside the root", () => {
    expect(resolveStaticPath(root, "/")).toBe("/srv/web/index.html");
    expect(resolveStaticPath(root, "/main.js")).toBe("/srv/web/main.js");
    expect(resolveStaticPath(root, "/assets/a%20b.png")).toBe("/srv/web/assets/a b.png");
    expect(resolveStaticPath(root, "/sub/")).toBe("/srv/web/sub/index.html");
  });
  it("refuses traversal, encoded traversal, dot-files, NUL and backslashes", () => {
    for (const p of ["/../etc/passwd", "/%2e%2e/etc/passwd", "/a/%2E%2E/%2E%2E/x", "/..%2fetc", "/.env", "/a/.git/config", "/a%00.js", "/a%5c..%5cb", "/%E0%A4%A", "/./x"]) {
      expect(resolveStaticPath(root, p), p).toBeUndefined();
    }
  });
});

describe("serveStatic caching", () => {
  function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((ok, fail) => {
      const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => ok({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", fail);
      req.end();
    });
  }

  it("revalidates scripts with an ETag (304 when unchanged) and never stores pages", async () => {
    const root = mkdtempSync(join(tmpdir(), "saffron-static-"));
    writeFileSync(join(root, "index.html"), "<!doctype html>");
    writeFileSync(join(root, "main.js"), "export {};");
    const http = createServer((req, res) => void serveStatic(root, req, res, new URL(req.url!, "http://x").pathname));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const port = (http.address() as { port: number }).port;
    try {
      const js = await get(port, "/main.js");
      expect(js.status).toBe(200);
      expect(js.headers["cache-control"]).toBe("no-cache");
      const etag = js.headers.etag as string;
      expect(etag).toMatch(/^W\/"/);
      const again = await get(port, "/main.js", { "if-none-match": etag });
      expect(again.status).toBe(304);
      expect(again.body).toBe("");
      writeFileSync(join(root, "main.js"), "export const changed = 1;");
      const changed = await get(port, "/main.js", { "if-none-match": etag });
      expect(changed.status).toBe(200);
      expect(changed.body).toContain("changed");
      const page = await get(port, "/");
      expect(page.headers["cache-control"]).toBe("no-store");
      expect(page.headers.etag).toBeUndefined();
      expect((await get(port, "/", { "if-none-match": etag })).status).toBe(200);
    } finally {
      http.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
