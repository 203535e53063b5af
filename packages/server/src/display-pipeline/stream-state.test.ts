import { afterEach, describe, expect, it } from "vitest";
import type { DamageRect } from "../sources/display-source.js";
import type { JpegEncoder } from "./stream-jpeg-encoder.js";
import { ClientStreams, type ClientStreamsDeps, type StreamMessage } from "./stream-state.js";

const W = 640;
const H = 480;
const V = { left: 100, top: 50, right: 500, bottom: 350 };

/** A controllable world: clock, framebuffer, flow control, a JPEG encoder resolved by hand. */
function harness(over: Partial<ClientStreamsDeps> = {}, options = {}) {
  const sent: StreamMessage[] = [];
  const redrawn: DamageRect[] = [];
  const pendingEncodes: { resolve: (b: Uint8Array) => void; reject: (e: Error) => void; quality: number }[] = [];
  const world = { now: 0, canSend: true, backlog: 0, wakes: 0 };
  const encoder: JpegEncoder = {
    name: "fake",
    encode: (_p, quality) => new Promise((resolve, reject) => pendingEncodes.push({ resolve, reject, quality })),
  };
  const streams = new ClientStreams(
    {
      encoder,
      send: (m) => sent.push(m),
      framebuffer: () => ({ width: W, height: H, stride: W * 4, data: new Uint8Array(W * H * 4) }),
      canSend: () => world.canSend,
      backlog: () => world.backlog,
      mmTime: () => 1000 + world.now,
      reports: true,
      redraw: (r) => redrawn.push(r),
      wake: () => world.wakes++,
      isVideo: () => true,
      now: () => world.now,
      ...over,
    },
    options,
  );
  /** Damage `rects` every 50 ms for `frames` frames; returns what went to the lossless path. */
  const play = (frames: number, rects: DamageRect[] = [V]) => {
    const lossless: DamageRect[] = [];
    for (let i = 0; i < frames; i++) {
      world.now += 50;
      lossless.push(...streams.damage(rects));
      streams.pump();
    }
    return lossless;
  };
  const finishEncodes = async (bytes = 1000) => {
    for (const e of pendingEncodes.splice(0)) e.resolve(new Uint8Array(bytes));
    await new Promise((r) => setImmediate(r));
  };
  const names = () => sent.map((m) => m.name);
  cleanup.push(() => streams.close());
  return { streams, sent, redrawn, pendingEncodes, world, play, finishEncodes, names };
}

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

describe("ClientStreams", () => {
  it("turns a region redrawn at 20 fps into an MJPEG stream after 0.5 s", async () => {
    const h = harness();
    const lossless = h.play(10);
    expect(h.names()).toEqual([]);
    expect(lossless.length).toBe(10); // before the stream: everything lossless
    expect(h.play(1)).toEqual([]); // 0.5 s after the first: the stream starts, this is its first frame
    expect(h.names()).toEqual(["StreamCreate", "StreamActivateReport"]);
    const create = h.sent[0]!.body as { id: number; flags: number; codecType: number; streamWidth: number; streamHeight: number; dest: unknown; clip: unknown };
    expect(create).toMatchObject({ id: 0, flags: 1, codecType: 1, streamWidth: 400, streamHeight: 300, clip: { type: 0 } });
    expect(create.dest).toEqual({ top: 50, left: 100, bottom: 350, right: 500 });
    expect(h.sent[1]!.body).toMatchObject({ streamId: 0, maxWindowSize: 5, timeoutMs: 1000 });
    expect(h.pendingEncodes.length).toBe(1);
    expect(h.pendingEncodes[0]!.quality).toBe(75);
    await h.finishEncodes(1234);
    const data = h.sent[2]!;
    expect(data.name).toBe("StreamData");
    // Stamped ahead of the multimedia clock by the latency (100 ms).
    expect(data.body).toMatchObject({ base: { id: 0, multiMediaTime: 1000 + 550 + 100 } });
    expect(h.streams.stats).toMatchObject({ created: 1, active: 1, framesSent: 1, bytesSent: 1234 });
  });

  it("leaves non-video content alone (default test: looksPhotographic on a flat picture)", () => {
    const h = harness({ isVideo: undefined });
    h.play(30);
    expect(h.names()).toEqual([]);
  });

  it("while the encoder is busy, the latest frame replaces the waiting one", async () => {
    const h = harness();
    h.play(11);
    expect(h.pendingEncodes.length).toBe(1);
    h.play(3); // encoder still busy: these replace each other
    expect(h.pendingEncodes.length).toBe(1);
    expect(h.streams.stats.framesDroppedEncoder).toBe(2);
    await h.finishEncodes();
    expect(h.world.wakes).toBe(1); // a newer frame is waiting
    h.streams.pump();
    expect(h.pendingEncodes.length).toBe(1);
  });

  it("splits damage that overlaps a stream partly; bigger damage covering it ends it", () => {
    const h = harness();
    h.play(11);
    const partial = { left: 450, top: 300, right: 600, bottom: 400 };
    const rest = h.streams.damage([partial]);
    const area = rest.reduce((a, r) => a + (r.right - r.left) * (r.bottom - r.top), 0);
    expect(area).toBe(150 * 100 - 50 * 50);
    expect(h.streams.outside({ left: 0, top: 0, right: W, bottom: H }).length).toBe(4);
    const full = { left: 0, top: 0, right: W, bottom: H };
    expect(h.streams.damage([full])).toEqual([full]);
    expect(h.names()).toContain("StreamDestroy");
    expect(h.redrawn).toEqual([V]);
    expect(h.streams.active).toBe(0);
  });

  it("an idle stream ends after 1 s and its area is redrawn losslessly; a late frame is dropped", async () => {
    const h = harness();
    h.play(11);
    h.world.now += 1100;
    h.streams.tick(); // still encoding: waits for it
    expect(h.streams.active).toBe(1);
    await h.finishEncodes();
    h.streams.tick();
    expect(h.names().slice(-2)).toEqual(["StreamData", "StreamDestroy"]);
    expect(h.redrawn).toEqual([V]);
    // Destroy while a frame is in flight: the frame never goes out after STREAM_DESTROY.
    h.play(10);
    h.play(1);
    expect(h.pendingEncodes.length).toBe(1);
    h.streams.destroyAll(true);
    await h.finishEncodes();
    expect(h.names().at(-1)).toBe("StreamDestroy");
  });

  it("holds frames back while the client is behind and lowers the quality", async () => {
    const h = harness();
    h.play(11);
    await h.finishEncodes();
    h.world.backlog = 1 << 20;
    h.play(20);
    expect(h.pendingEncodes.length).toBe(0);
    expect(h.streams.stats.framesDroppedBacklog).toBeGreaterThan(15);
    h.world.now += 1000;
    h.streams.tick();
    expect(h.streams.stats.quality).toBe(65);
    h.world.backlog = 0;
    h.streams.pump();
    expect(h.pendingEncodes[0]!.quality).toBe(65);
  });

  it("client reports: drops lower the quality, late frames raise the latency, 'cannot decode' ends streaming", async () => {
    const h = harness();
    h.play(11);
    await h.finishEncodes();
    const base = { streamId: 0, uniqueId: 1, startFrameMmTime: 0, endFrameMmTime: 0, numFrames: 5, audioDelay: 0xffffffff };
    h.streams.report({ ...base, numDrops: 3, lastFrameDelay: -50 });
    expect(h.streams.stats.framesDroppedClient).toBe(3);
    expect(h.streams.stats.latencyMs).toBe(170);
    h.streams.report({ ...base, uniqueId: 99, numDrops: 100, lastFrameDelay: 0 }); // another stream's: ignored
    expect(h.streams.stats.framesDroppedClient).toBe(3);
    h.world.now += 1000;
    h.streams.tick();
    expect(h.streams.stats.quality).toBe(65);
    h.streams.report({ ...base, numFrames: 0, numDrops: 0xffffffff, lastFrameDelay: 0 });
    expect(h.streams.active).toBe(0);
    expect(h.redrawn).toEqual([V]);
    h.play(40);
    expect(h.streams.stats.created).toBe(1);
  });

  it("an encoder failure turns streaming off and redraws the area", async () => {
    const h = harness();
    h.play(11);
    h.pendingEncodes[0]!.reject(new Error("no libvips"));
    await new Promise((r) => setImmediate(r));
    expect(h.streams.active).toBe(0);
    expect(h.redrawn).toEqual([V]);
    expect(h.play(40).length).toBe(40);
  });
});
