import { describe, expect, it } from "vitest";
import { TargetError } from "./connect-target.js";
import { parseVvFile } from "./vv-file.js";

describe("parseVvFile", () => {
  it("reads a virt-viewer file (comments, CRLF, other sections, spaces around =)", () => {
    const text = [
      "# written by virt-manager",
      "[other]",
      "host=not-this-one",
      "[virt-viewer]",
      "type=spice",
      "host = 192.0.2.7",
      "port=5900",
      "tls-port=-1",
      "password=p=w;d",
      "title=Test VM",
      "delete-this-file=1",
      "",
    ].join("\r\n");
    expect(parseVvFile(text)).toEqual({ host: "192.0.2.7", port: 5900, tlsPort: undefined, password: "p=w;d", title: "Test VM" });
  });

  it("refuses files a browser cannot open, saying why", () => {
    const cases: [string, RegExp][] = [
      ["type=spice\nhost=h\nport=1", /no \[virt-viewer\] section/],
      ["[virt-viewer]\ntype=vnc\nhost=h\nport=5900", /for vnc, not SPICE/],
      ["[virt-viewer]\nhost=h\nport=5900", /no type=spice/],
      ["[virt-viewer]\ntype=spice\nport=5900", /no host/],
      ["[virt-viewer]\ntype=spice\nhost=h", /no port/],
      ["[virt-viewer]\ntype=spice\nhost=h\nport=70000", /not a port/],
      ["[virt-viewer]\ntype=spice\nhost=pvespiceproxy:abc\ntls-port=61000\nproxy=http://pve:3128", /proxy/],
    ];
    for (const [text, msg] of cases) {
      expect(() => parseVvFile(text), text).toThrow(TargetError);
      expect(() => parseVvFile(text), text).toThrow(msg);
    }
  });
});
