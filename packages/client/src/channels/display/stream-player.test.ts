import type { DecodedImage } from "@saffron/codecs";
import { ClipType, display as dsp, silentLogger } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { Surface } from "../../surfaces/index.js";
import { StreamPlayer } from "./stream-player.js";
import type { StreamDecoder } from "./video-decoder.js";

/** An asynchronous MJPEG decoder whose pictures the test hands out: frame n is a 1x1 picture of grey n. */
function manualDecoder() {
  const started: number[] = [];
  const waiting = new Map<number, (img: DecodedImage) => void>();
  const decoder: StreamDecoder = {
    decode(frame) {
      const n = frame[frame.length - 1]!;
      started.push(n);
      return new Promise((resolve) => waiting.set(n, resolve));
    },
    close() {},
  };
  const finish = (n: number) => waiting.get(n)!({ width: 1, height: 1, data: Uint8Array.of(n, n, n, 255), hasAlpha: false });
  return { decoder, started, finish };
}

/** A stand-in frame: no JPEG markers (the table carrier leaves it alone), numbered by its last byte. */
const frame = (n: number) => Uint8Array.of(1, 2, 3, n);

function setup() {
  const surface = new Surface(4, 4);
  const m = manualDecoder();
  const drawn: number[] = [];
  const player = new StreamPlayer({
    jpeg: { decode: () => undefined } as never,
    video: { codecs: [dsp.VideoCodecType.Mjpeg], create: () => m.decoder },
    surface: () => surface,
    invalidate: () => drawn.push(surface.data[0]!),
    report: () => {},
    log: silentLogger,
    name: "test",
  });
  player.create({
    surfaceId: 0,
    id: 7,
    flags: dsp.StreamFlags.TopDown,
    codecType: dsp.VideoCodecType.Mjpeg,
    stamp: 0n,
    streamWidth: 1,
    streamHeight: 1,
    srcWidth: 1,
    srcHeight: 1,
    dest: { top: 0, left: 0, bottom: 4, right: 4 },
    clip: { type: ClipType.None },
  } as never);
  return { player, m, drawn };
}

describe("StreamPlayer decode-ahead", () => {
  it("decodes later frames while one is awaited, and draws them in order", async () => {
    const { player, m, drawn } = setup();
    const keys = [{}, {}, {}, {}, {}];
    const first = player.data(7, 0, frame(10), undefined, keys[0]);
    for (let i = 1; i < keys.length; i++) player.decodeAhead(keys[i]!, 7, frame(10 + i));
    // Three frames at most run ahead.
    expect(m.started).toEqual([10, 11, 12, 13]);
    expect(player.canDecodeAhead).toBe(false);
    // The later ones finish first: nothing is drawn out of turn.
    m.finish(12);
    m.finish(11);
    await Promise.resolve();
    expect(drawn).toEqual([]);
    m.finish(10);
    await first;
    expect(drawn).toEqual([10]);
    await player.data(7, 0, frame(11), undefined, keys[1]);
    await player.data(7, 0, frame(12), undefined, keys[2]);
    m.finish(13);
    await player.data(7, 0, frame(13), undefined, keys[3]);
    // Frame 14 was not started ahead (no room then): it decodes at its turn.
    const last = player.data(7, 0, frame(14), undefined, keys[4]);
    expect(m.started).toEqual([10, 11, 12, 13, 14]);
    m.finish(14);
    await last;
    expect(drawn).toEqual([10, 11, 12, 13, 14]);
    expect(player.framesDecoded).toBe(5);
  });

  it("drops decodes ahead of a destroyed stream", async () => {
    const { player, m, drawn } = setup();
    const key = {};
    player.decodeAhead(key, 7, frame(1));
    expect(m.started).toEqual([1]);
    player.destroy(7);
    expect(player.canDecodeAhead).toBe(true);
    m.finish(1);
    // The message comes for a stream that no longer exists: nothing drawn.
    await player.data(7, 0, frame(1), undefined, key);
    expect(drawn).toEqual([]);
  });
});
