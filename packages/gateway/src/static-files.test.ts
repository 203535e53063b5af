import { describe, expect, it } from "vitest";
import { resolveStaticPath } from "./static-files.js";

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
