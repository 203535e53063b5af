import { describe, expect, it } from "vitest";
import { encode } from "../schema/codec.js";
import { DataHeader, FULL_HEADER_SIZE, MINI_HEADER_SIZE, MiniDataHeader } from "./data-header.js";
import { FrameWriter } from "./frame-writer.js";

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("FrameWriter", () => {
  it("writes mini headers (PONG as spice-gtk sends it) and counts serials", () => {
    const w = new FrameWriter({ miniHeader: true });
    const pong = w.frame(3, hex("01000000 0807060504030201"));
    expect(toHex(pong)).toBe("03000c000000" + "01000000" + "0807060504030201");
    expect(w.serial).toBe(1);
    expect(toHex(w.header(2, 0))).toBe("020000000000");
    expect(w.serial).toBe(2);
  });

  it("writes full headers with serial and sub_list 0 (MAIN_INIT as spice-server sent it)", () => {
    const w = new FrameWriter({ miniHeader: false });
    const f = w.frame(103, new Uint8Array(32));
    expect(toHex(f.subarray(0, 18))).toBe("0100000000000000" + "6700" + "20000000" + "00000000");
    w.serial = 0x1_0000_0001;
    expect(toHex(w.header(1, 4))).toBe("0200000001000000" + "0100" + "04000000" + "00000000");
  });

  it("agrees with the schema description of the headers", () => {
    expect([MINI_HEADER_SIZE, FULL_HEADER_SIZE]).toEqual([6, 18]);
    expect(new FrameWriter({ miniHeader: true }).header(0x1234, 0xdeadbeef)).toEqual(encode(MiniDataHeader, { type: 0x1234, size: 0xdeadbeef }));
    expect(new FrameWriter({ miniHeader: false }).header(0x1234, 77)).toEqual(encode(DataHeader, { serial: 1n, type: 0x1234, size: 77, subList: 0 }));
    expect(() => new FrameWriter({ miniHeader: true }).header(0x10000, 0)).toThrow(RangeError);
  });
});
