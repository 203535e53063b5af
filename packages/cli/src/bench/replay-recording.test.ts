import { describe, expect, it } from "vitest";
import { decodeRecording, encodeRecording, linkTarget, profileDisplay, rewriteChannelCaps, type RecordedChannel } from "./replay-recording.js";

/** A client link message: header + SpiceLinkMess + 1 common and 1 channel caps word. */
function linkMess(type: number, common: number, channel: number): Uint8Array {
  const b = new Uint8Array(16 + 18 + 8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x51444552, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, 2, true);
  dv.setUint32(12, 18 + 8, true);
  b[16 + 4] = type;
  b[16 + 5] = 0;
  dv.setUint32(16 + 6, 1, true);
  dv.setUint32(16 + 10, 1, true);
  dv.setUint32(16 + 14, 18, true);
  dv.setUint32(16 + 18, common, true);
  dv.setUint32(16 + 22, channel, true);
  return b;
}

function message(type: number, size: number): Uint8Array {
  const m = new Uint8Array(6 + size);
  new DataView(m.buffer).setUint16(0, type, true);
  new DataView(m.buffer).setUint32(2, size, true);
  return m;
}

describe("replay recordings", () => {
  it("reads the link target and rewrites the channel caps", () => {
    const b = linkMess(2, 0b11, 0xffff);
    expect(linkTarget(b.subarray(0, 20))).toBeUndefined();
    expect(linkTarget(b)).toEqual({ type: 2, id: 0, commonCaps: 0b11, length: b.length });
    expect(rewriteChannelCaps(b, 0x311)).toBe(true);
    expect(new DataView(b.buffer).getUint32(16 + 22, true)).toBe(0x311);
  });

  it("profiles a display stream and survives a round trip through its file form", () => {
    const reply = new Uint8Array(16 + 10);
    new DataView(reply.buffer).setUint32(12, 10, true);
    const ch: RecordedChannel = {
      type: 2,
      id: 0,
      chunks: [
        { t: 0, data: reply },
        { t: 1, data: Uint8Array.of(0, 0, 0, 0, ...message(314, 4), ...message(102, 0)) },
        { t: 20, data: Uint8Array.of(...message(304, 3), ...message(4, 12)) },
        { t: 22, data: message(123, 5) },
        { t: 60, data: message(125, 4) },
      ],
    };
    const p = profileDisplay(ch);
    expect(p).toMatchObject({ messages: 6, firstFrameMessage: 2, lastDrawMessage: 5, frames: 3 });
    const back = decodeRecording(encodeRecording({ channels: [ch] }));
    expect(back.channels[0]!.chunks.map((c) => [c.t, [...c.data]])).toEqual(ch.chunks.map((c) => [c.t, [...c.data]]));
  });
});
