import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDirectory, type DirectoryServer } from "./serve-directory.js";

function fetchText(url: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((ok, fail) => {
    get(url, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, type: res.headers["content-type"], body }));
    }).on("error", fail);
  });
}

describe("serveDirectory", () => {
  let dir = "";
  let web: DirectoryServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "saffron-serve-dir-"));
    writeFileSync(join(dir, "index.html"), "<p>home</p>");
    mkdirSync(join(dir, "sub dir"));
    writeFileSync(join(dir, "sub dir", "a.js"), "export {};");
    writeFileSync(join(dir, "data.bin"), "x");
    web = await serveDirectory(dir);
  });
  afterAll(async () => {
    await web?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves index.html at /, files with their MIME type, 404 for missing ones", async () => {
    expect(web.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await fetchText(`${web.origin}/?url=ws://x/`)).toEqual({ status: 200, type: "text/html", body: "<p>home</p>" });
    expect(await fetchText(`${web.origin}/sub%20dir/a.js`)).toEqual({ status: 200, type: "text/javascript", body: "export {};" });
    expect((await fetchText(`${web.origin}/data.bin`)).type).toBe("application/octet-stream");
    expect((await fetchText(`${web.origin}/missing.js`)).status).toBe(404);
  });

  it("refuses paths that leave the directory", async () => {
    // %2F is not a separator for the URL parser, only after decoding.
    expect((await fetchText(`${web.origin}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(403);
  });
});
