import { describe, expect, it } from "vitest";
import { ChannelType } from "../messages/channel-types.js";
import { displayServer, DisplayServerMsg } from "../messages/display.js";
import { samples } from "../messages/__fixtures__/samples.js";
import { describeMessage, describeValue } from "./describe-message.js";

describe("describeMessage", () => {
  it("names the message and walks a decoded body", () => {
    const body = samples["display.server"]!.DrawCopy;
    const s = describeMessage(ChannelType.Display, "server", DisplayServerMsg.DrawCopy, body);
    expect(s.startsWith("display.server DrawCopy (304) { base: { surfaceId: 1, box: { top: 1, left: 2, bottom: 30, right: 40 }")).toBe(true);
    expect(s).toContain("id: 0x3");
    expect(s).toContain("data: bytes[8] 00 01 00 00 01 00 00 00");
    expect(s).toContain("palette: { unique: 0x9, ents: [16711680, 65280] }");
  });

  it("decodes raw bodies, and shows undecodable ones without throwing", () => {
    const raw = displayServer.encode("SurfaceCreate", { surfaceId: 0, width: 1024, height: 768, format: 32, flags: 1 });
    expect(describeMessage(2, "server", 314, raw)).toBe(
      "display.server SurfaceCreate (314) { surfaceId: 0, width: 1024, height: 768, format: 32, flags: 1 }",
    );
    expect(describeMessage(2, "server", 314, raw.subarray(0, 3))).toMatch(/^display\.server SurfaceCreate \(314\) <undecodable: ERR_SPICE_TRUNCATED .*> bytes\[3\] 00 00 00$/);
    expect(describeMessage(42, "client", 7, { a: 1 })).toBe("channel42.client Unknown (7) { a: 1 }");
  });

  it("shortens long byte arrays and lists", () => {
    expect(describeValue(new Uint8Array(40), { maxBytes: 2 })).toBe("bytes[40] 00 00 …");
    expect(describeValue(new Uint8Array(0))).toBe("bytes[0]");
    expect(describeValue([1, 2, 3, 4], { maxItems: 2 })).toBe("[1, 2, … 2 more]");
    expect(describeValue({ a: { b: { c: 1 } } }, { maxDepth: 2 })).toBe("{ a: { b: … } }");
    expect(describeValue(255n)).toBe("0xff");
  });
});
