import { describe, expect, it } from "vitest";
import { buildCpio } from "./cpio.js";

/** Minimal newc reader for the test: returns [name, mode, size, rdevmajor, rdevminor, data]. */
function parse(bytes: Uint8Array): Array<[string, number, number, number, number, string]> {
  const dec = new TextDecoder();
  const out: Array<[string, number, number, number, number, string]> = [];
  let off = 0;
  for (;;) {
    const h = dec.decode(bytes.subarray(off, off + 110));
    expect(h.slice(0, 6)).toBe("070701");
    const f = (i: number): number => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16);
    const namesize = f(11);
    const size = f(6);
    const name = dec.decode(bytes.subarray(off + 110, off + 110 + namesize - 1));
    const dataOff = off + 110 + namesize + ((4 - ((110 + namesize) % 4)) % 4);
    expect(dataOff % 4).toBe(0);
    out.push([name, f(1), size, f(9), f(10), dec.decode(bytes.subarray(dataOff, dataOff + size))]);
    if (name === "TRAILER!!!") return out;
    off = dataOff + size + ((4 - (size % 4)) % 4);
  }
}

describe("buildCpio", () => {
  it("writes newc entries with 4-byte alignment and a trailer", () => {
    const bytes = buildCpio([
      { kind: "dir", path: "/bin" },
      { kind: "char", path: "dev/console", major: 5, minor: 1 },
      { kind: "file", path: "init", data: new TextEncoder().encode("#!/bin/sh\n"), mode: 0o755 },
    ]);
    expect(bytes.length % 4).toBe(0);
    expect(parse(bytes)).toEqual([
      ["bin", 0o040755, 0, 0, 0, ""],
      ["dev/console", 0o020600, 0, 5, 1, ""],
      ["init", 0o100755, 10, 0, 0, "#!/bin/sh\n"],
      ["TRAILER!!!", 0, 0, 0, 0, ""],
    ]);
  });
});
