import { describe, expect, it } from "vitest";
import { codecString, createWebCodecsVideoFactory, isKeyFrame } from "./webcodecs-video.js";

describe("stream frame inspection", () => {
  it("tells VP8 key frames by the frame tag's low bit", () => {
    expect(isKeyFrame(2, Uint8Array.of(0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a))).toBe(true);
    expect(isKeyFrame(2, Uint8Array.of(0x31, 0x02, 0x00))).toBe(false);
  });

  it("tells VP9 key frames from the uncompressed header (profile 0 and 3)", () => {
    expect(isKeyFrame(4, Uint8Array.of(0b1000_0010))).toBe(true); // marker 10, profile 0, show_existing 0, frame_type 0
    expect(isKeyFrame(4, Uint8Array.of(0b1000_0110))).toBe(false); // frame_type 1
    expect(isKeyFrame(4, Uint8Array.of(0b1000_1000))).toBe(false); // show_existing_frame
    expect(isKeyFrame(4, Uint8Array.of(0b1011_0000))).toBe(true); // profile 3: reserved bit, then show_existing 0, frame_type 0
    expect(codecString(4, Uint8Array.of(0b1000_0010))).toBe("vp09.00.10.08");
  });

  it("tells H.264 access units with an IDR slice, and takes the codec string from the SPS", () => {
    const au = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1f, 0xaa, 0, 0, 1, 0x65, 0x88);
    expect(isKeyFrame(3, au)).toBe(true);
    expect(isKeyFrame(3, Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x41, 0x9a))).toBe(false);
    expect(codecString(3, au)).toBe("avc1.42C01F");
    expect(codecString(3, Uint8Array.of(0, 0, 1, 0x65))).toBe("avc1.640033");
    expect(codecString(2, au)).toBe("vp8");
  });

  it("gives no factory where there is no WebCodecs (Node)", async () => {
    expect(await createWebCodecsVideoFactory()).toBeUndefined();
  });
});
