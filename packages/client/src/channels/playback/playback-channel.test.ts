import { Caps, SpiceError, playback as pb } from "@saffron/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scriptedServer } from "../__fixtures__/scripted-server.js";
import type { OpusDecoderFactory } from "./opus-decoder.js";
import { PlaybackChannel, type PlaybackData, type PlaybackStart } from "./playback-channel.js";

const S = pb.playbackServer;
const id = (name: keyof typeof S.defs) => S.defs[name][0];
const enc = <K extends keyof typeof S.defs & string>(name: K, body: Parameters<typeof S.encode<K>>[1]) => S.encode(name, body);

async function linkedChannel(options: ConstructorParameters<typeof PlaybackChannel>[2] = {}) {
  const server = scriptedServer(Caps.of(pb.PlaybackCaps.Volume, pb.PlaybackCaps.Latency, pb.PlaybackCaps.Opus));
  const ch = new PlaybackChannel(server.ctx, 0, options);
  await ch.connect();
  const link = await server.linked;
  const events: [string, unknown][] = [];
  for (const e of ["mode", "start", "data", "pcm", "stop", "volume", "mute", "latency", "decode-error", "closed"] as const) {
    ch.on(e, (...args: unknown[]) => events.push([e, args.length > 1 ? args : args[0]]));
  }
  const settle = () => new Promise((r) => setTimeout(r, 10));
  return { server, ch, link, events, settle };
}

function rawFrame(n: number, f: (i: number) => number): Uint8Array {
  const b = new Uint8Array(n * 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < n; i++) {
    dv.setInt16(i * 4, f(i), true);
    dv.setInt16(i * 4 + 2, -f(i), true);
  }
  return b;
}

describe("PlaybackChannel", () => {
  it("advertises VOLUME and LATENCY, and OPUS only with a decoder factory", async () => {
    const plain = await linkedChannel();
    expect(plain.link.clientCaps.channel.has(pb.PlaybackCaps.Volume)).toBe(true);
    expect(plain.link.clientCaps.channel.has(pb.PlaybackCaps.Latency)).toBe(true);
    expect(plain.link.clientCaps.channel.has(pb.PlaybackCaps.Opus)).toBe(false);
    expect(plain.link.clientCaps.channel.has(pb.PlaybackCaps.Celt051)).toBe(false);
    const opus = await linkedChannel({ opus: () => ({ decode: () => new Int16Array(0), close() {} }) });
    expect(opus.link.clientCaps.channel.has(pb.PlaybackCaps.Opus)).toBe(true);
    plain.ch.close();
    opus.ch.close();
  });

  it("RAW: MODE, START, DATA as interleaved Int16 samples, mm-time, STOP", async () => {
    const { server, ch, events, settle } = await linkedChannel();
    server.send(id("Mode"), enc("Mode", { time: 1000, mode: pb.AudioDataMode.Raw, data: new Uint8Array(0) }));
    server.send(id("Start"), enc("Start", { channels: 2, format: pb.AudioFormat.S16, frequency: 48000, time: 1005 }));
    const payload = rawFrame(480, (i) => i * 50 - 12000);
    server.send(id("Data"), enc("Data", { time: 1010, data: payload }));
    server.send(id("Data"), enc("Data", { time: 1020, data: payload }));
    server.send(id("Stop"), enc("Stop", {}));
    await settle();
    expect(events.map((e) => e[0])).toEqual(["mode", "start", "data", "pcm", "data", "pcm", "stop"]);
    expect(events[1]![1] as PlaybackStart).toEqual({ channels: 2, frequency: 48000, mode: pb.AudioDataMode.Raw, time: 1005 });
    const data = events[2]![1] as PlaybackData;
    expect(data.time).toBe(1010);
    expect(data.samples).toBeInstanceOf(Int16Array);
    expect(data.samples!.length).toBe(960);
    expect(Array.from(data.samples!.subarray(0, 4))).toEqual([-12000, 12000, -11950, 11950]);
    expect(ch.clock.last).toBe(1020);
    const now = Date.now();
    expect(ch.mmTime(now + 100)! - ch.mmTime(now)!).toBe(100);
    expect(ch.counters).toMatchObject({ packets: 2, frames: 960, decodeErrors: 0 });
    expect(ch.started).toBeUndefined();
    ch.close();
  });

  it("OPUS: hands packets to the decoder and emits its PCM, synchronous or not", async () => {
    const created: { frequency: number; channels: number }[] = [];
    const later: (() => void)[] = [];
    const factory: OpusDecoderFactory = (cfg) => {
      created.push({ frequency: cfg.frequency, channels: cfg.channels });
      return {
        decode(packet, time) {
          if (packet[0] === 0xee) throw new Error("bad packet");
          if (packet[0] === 0xaa) {
            later.push(() => cfg.output(new Int16Array([7, 7]), time));
            return undefined;
          }
          return new Int16Array([packet[0]!, packet.length]);
        },
        close() {},
      };
    };
    const { server, ch, events, settle } = await linkedChannel({ opus: factory });
    server.send(id("Mode"), enc("Mode", { time: 0, mode: pb.AudioDataMode.Opus, data: new Uint8Array(0) }));
    server.send(id("Start"), enc("Start", { channels: 2, format: 1, frequency: 48000, time: 50 }));
    server.send(id("Data"), enc("Data", { time: 60, data: new Uint8Array([3, 1, 4]) }));
    server.send(id("Data"), enc("Data", { time: 70, data: new Uint8Array([0xee]) }));
    server.send(id("Data"), enc("Data", { time: 80, data: new Uint8Array([0xaa, 0]) }));
    await settle();
    later.forEach((f) => f());
    expect(created).toEqual([{ frequency: 48000, channels: 2 }]);
    expect(events.map((e) => e[0])).toEqual(["mode", "start", "data", "pcm", "decode-error", "data", "data", "pcm"]);
    const first = events[2]![1] as PlaybackData;
    expect(Array.from(first.packet!)).toEqual([3, 1, 4]);
    expect(Array.from(first.samples!)).toEqual([3, 3]);
    expect((events[4]![1] as SpiceError).code).toBe("ERR_SPICE_MALFORMED");
    expect(events[7]![1]).toEqual([new Int16Array([7, 7]), 80]);
    expect(ch.closed).toBe(false);
    ch.close();
  });

  it("OPUS without a decoder still reports the packets", async () => {
    const { server, ch, events, settle } = await linkedChannel();
    server.send(id("Mode"), enc("Mode", { time: 0, mode: pb.AudioDataMode.Opus, data: new Uint8Array(0) }));
    server.send(id("Start"), enc("Start", { channels: 2, format: 1, frequency: 48000, time: 0 }));
    server.send(id("Data"), enc("Data", { time: 10, data: new Uint8Array([1, 2]) }));
    await settle();
    expect(events.map((e) => e[0])).toEqual(["mode", "start", "data"]);
    expect((events[2]![1] as PlaybackData).samples).toBeUndefined();
    ch.close();
  });

  it("VOLUME, MUTE, LATENCY", async () => {
    const { server, ch, events, settle } = await linkedChannel();
    server.send(id("Volume"), enc("Volume", { volume: [65535, 32768] }));
    server.send(id("Mute"), enc("Mute", { mute: 1 }));
    server.send(id("Latency"), enc("Latency", { latencyMs: 120 }));
    server.send(id("Mute"), enc("Mute", { mute: 0 }));
    await settle();
    expect(events).toEqual([
      ["volume", [65535, 32768]],
      ["mute", true],
      ["latency", 120],
      ["mute", false],
    ]);
    expect(ch.latencyMs).toBe(120);
    ch.close();
  });

  it("odd RAW payloads and unplayable modes are dropped with decode-error, not fatal", async () => {
    const { server, ch, events, settle } = await linkedChannel();
    server.send(id("Mode"), enc("Mode", { time: 0, mode: pb.AudioDataMode.Raw, data: new Uint8Array(0) }));
    server.send(id("Start"), enc("Start", { channels: 2, format: 1, frequency: 48000, time: 0 }));
    server.send(id("Data"), enc("Data", { time: 1, data: new Uint8Array(7) }));
    server.send(id("Mode"), enc("Mode", { time: 0, mode: pb.AudioDataMode.Celt051, data: new Uint8Array(0) }));
    server.send(id("Data"), enc("Data", { time: 2, data: new Uint8Array(8) }));
    await settle();
    expect(events.map((e) => e[0])).toEqual(["mode", "start", "decode-error", "data", "pcm", "mode", "decode-error"]);
    expect((events[3]![1] as PlaybackData).samples!.length).toBe(2);
    expect(ch.closed).toBe(false);
    ch.close();
  });

  it("a START with a bad format closes the channel with a typed error", async () => {
    const { server, events, settle } = await linkedChannel();
    server.send(id("Start"), enc("Start", { channels: 2, format: 7, frequency: 48000, time: 0 }));
    await settle();
    expect(events.length).toBe(1);
    expect(events[0]![0]).toBe("closed");
    expect((events[0]![1] as SpiceError).code).toBe("ERR_SPICE_MALFORMED");
  });

  it("random message bodies only ever yield typed errors", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(101, 102, 103, 104, 105, 106, 107), fc.uint8Array({ maxLength: 40 }), async (type, body) => {
        const { server, ch, events, settle } = await linkedChannel({ opus: () => ({ decode: (p) => new Int16Array(p.length * 2), close() {} }) });
        server.send(id("Mode"), enc("Mode", { time: 0, mode: pb.AudioDataMode.Opus, data: new Uint8Array(0) }));
        server.send(type, body);
        await settle();
        for (const [name, arg] of events) if (name === "closed" || name === "decode-error") expect(arg).toBeInstanceOf(SpiceError);
        ch.close();
      }),
      { numRuns: 60 },
    );
  });
});
