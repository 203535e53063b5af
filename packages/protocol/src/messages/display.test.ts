import { describe, expect, it } from "vitest";
import { SpiceError } from "../wire/errors.js";
import { displayClient, DisplayClientMsg, displayServer, DisplayServerMsg, ImageType, Ropd } from "./display.js";
import { decodeFixture, hex, roundTrip } from "./__fixtures__/helpers.js";
import { samples } from "./__fixtures__/samples.js";

// Wire shapes from protocol-map §4.2 ("checked against live traffic" examples), rebuilt byte by byte.
const BASE_NO_CLIP = "00000000 00000000 00000000 10000000 64000000 00"; // surface 0, box (0,0)-(16,100), clip NONE
const BASE_ONE_RECT = "00000000 00000000 00000000 10000000 64000000 01 01000000 00000000 00000000 10000000 64000000";
const QMASK_NONE = "00 00000000 00000000 00000000";
const LZ_IMAGE = "02000000 01000000 65 00 00040000 00030000 08000000 20205a4c 00000001"; // id 0x100000002, LZ_RGB 1024x768

describe("display channel schema", () => {
  it("decodes a 41-byte solid DRAW_FILL", () => {
    const body = hex(`${BASE_NO_CLIP} 01 ffffffff 0800 ${QMASK_NONE}`);
    expect(body.length).toBe(41);
    const b = decodeFixture(displayServer, "DrawFill", body);
    expect(b.base).toEqual({ surfaceId: 0, box: { top: 0, left: 0, bottom: 16, right: 100 }, clip: { type: 0 } });
    expect(b.data.brush).toEqual({ type: 1, color: 0xffffffff });
    expect(b.data.ropDescriptor).toBe(Ropd.OpPut);
    expect(b.data.mask).toEqual({ flags: 0, pos: { x: 0, y: 0 }, bitmap: null });
  });

  it("decodes DRAW_COPY with the image at offset 57 (clip NONE)", () => {
    const body = hex(`${BASE_NO_CLIP} 39000000 00000000 00000000 00030000 00040000 0800 00 ${QMASK_NONE} ${LZ_IMAGE}`);
    const b = decodeFixture(displayServer, "DrawCopy", body);
    const img = b.data.srcBitmap;
    expect(img).toMatchObject({ id: 0x0000000100000002n, type: ImageType.LzRgb, flags: 0, width: 1024, height: 768 });
    expect(img.data).toEqual(hex("20205a4c 00000001"));
    // zero-copy: the image data is a view into the message body
    expect(img.data.buffer).toBe(body.buffer);
    expect(img.data.byteOffset).toBe(57 + 18 + 4);
  });

  it("decodes DRAW_COPY with one clip rect and the image at offset 77", () => {
    const body = hex(`${BASE_ONE_RECT} 4d000000 00000000 00000000 00030000 00040000 0800 00 ${QMASK_NONE} ${LZ_IMAGE}`);
    const b = decodeFixture(displayServer, "DrawCopy", body);
    expect(b.base.clip).toEqual({ type: 1, rects: [{ top: 0, left: 0, bottom: 16, right: 100 }] });
    expect(b.data.srcArea).toEqual({ top: 0, left: 0, bottom: 768, right: 1024 });
    expect(b.data.srcBitmap.type).toBe(ImageType.LzRgb);
  });

  it("decodes COPY_BITS (29 bytes)", () => {
    const b = decodeFixture(displayServer, "CopyBits", hex(`${BASE_NO_CLIP} 00000000 10000000`));
    expect(b.srcPos).toEqual({ x: 0, y: 16 });
  });

  it("decodes SURFACE_CREATE and the 32-byte MONITORS_CONFIG", () => {
    const sc = decodeFixture(displayServer, "SurfaceCreate", hex("00000000 00040000 00030000 20000000 01000000"));
    expect(sc).toEqual({ surfaceId: 0, width: 1024, height: 768, format: 32, flags: 1 });
    const mcBytes = hex("0100 0100 00000000 00000000 00040000 00030000 00000000 00000000 00000000");
    expect(mcBytes.length).toBe(32);
    const mc = decodeFixture(displayServer, "MonitorsConfig", mcBytes);
    expect(mc).toEqual({ maxAllowed: 1, heads: [{ monitorId: 0, surfaceId: 0, width: 1024, height: 768, x: 0, y: 0, flags: 0 }] });
  });

  it("decodes the empty MARK and INVAL_ALL_PALETTES", () => {
    expect(displayServer.decode(DisplayServerMsg.Mark, new Uint8Array()).body).toEqual({});
    expect(displayServer.decode(DisplayServerMsg.InvalAllPalettes, new Uint8Array()).body).toEqual({});
  });

  it("decodes spice-gtk's 14-byte DISPLAY_INIT", () => {
    const b = decodeFixture(displayClient, "Init", hex("01 00004001 00000000 01 00fcdf00"));
    expect(b).toEqual({ pixmapCacheId: 1, pixmapCacheSize: 20971520n, glzDictionaryId: 1, glzDictionaryWindowSize: 14679040 });
    expect(DisplayClientMsg.Init).toBe(101);
  });

  it("places stroke path and line style behind pointers", () => {
    const sample = samples["display.server"]!.DrawStroke as any;
    const bytes = displayServer.encode("DrawStroke", sample);
    // base 21, path ptr 4, attr flags 1 + nseg 1 + style ptr 4, brush 5, modes 4 = 40: path at 40
    expect(new DataView(bytes.buffer).getUint32(21, true)).toBe(40);
    const stylePtr = new DataView(bytes.buffer).getUint32(27, true);
    expect(Array.from(bytes.subarray(stylePtr, stylePtr + 12))).toEqual([16, 0, 0, 0, 32, 0, 0, 0, 48, 0, 0, 0]);
  });

  it("sizes text glyph rasters with image_size(bpp, w, h)", () => {
    // String: 1 glyph, A1, 9x2 -> 2 bytes per row, 4 bytes
    const str = "0100 01 01000000 02000000 00000000 00000000 0900 0200 aabbccdd";
    const body = hex(`${BASE_NO_CLIP} 2f000000 00000000 00000000 00000000 00000000 00 00 0800 0800 ${str}`);
    const b = decodeFixture(displayServer, "DrawText", body);
    expect(b.data.str.glyphs[0].data).toEqual(hex("aabbccdd"));
    const short = hex(`${BASE_NO_CLIP} 2f000000 00000000 00000000 00000000 00000000 00 00 0800 0800 ${str.slice(0, -2)}`);
    expect(() => displayServer.decode(DisplayServerMsg.DrawText, short)).toThrow(SpiceError);
  });

  it("includes composite mask and transforms only when flagged", () => {
    const sample = samples["display.server"]!.DrawComposite as any;
    const withoutMask = { ...sample, data: { ...sample.data, flags: 3, maskBitmap: null, srcTransform: null } };
    const a = displayServer.encode("DrawComposite", sample);
    const b = displayServer.encode("DrawComposite", withoutMask);
    expect(a.length - b.length).toBeGreaterThan(4 + 24);
    expect(displayServer.decode(DisplayServerMsg.DrawComposite, b).body).toEqual(withoutMask);
  });

  it("rejects a null source image and unknown image types with SpiceError", () => {
    const nullSrc = hex(`${BASE_NO_CLIP} 00000000 00000000 00000000 00000000 00000000 0800 00 ${QMASK_NONE}`);
    expect(() => displayServer.decode(DisplayServerMsg.DrawCopy, nullSrc)).toThrow(SpiceError);
    const reserved = hex(`${BASE_NO_CLIP} 39000000 00000000 00000000 00000000 00000000 0800 00 ${QMASK_NONE} 00000000 00000000 02 00 01000000 01000000`);
    expect(() => displayServer.decode(DisplayServerMsg.DrawCopy, reserved)).toThrow(/unknown type 2/);
  });

  it("round-trips every server and client message", () => {
    for (const set of [displayServer, displayClient]) {
      const s = samples[set.scope]!;
      for (const name of Object.keys(set.defs)) {
        expect(s, `${set.scope} sample for ${name}`).toHaveProperty(name);
        roundTrip(set, name, s[name]);
      }
    }
  });
});
