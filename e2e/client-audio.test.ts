// The Node client's PLAYBACK channel against Xspice's audio FIFO: sox writes a 1 kHz sine
// (s16le 48 kHz stereo, half scale) into the FIFO; the client must get START (2 ch, 48 kHz)
// and samples whose energy is at 1 kHz, not at 440 Hz or 2 kHz, in RAW mode (bit-exact) and
// in OPUS mode (decoded with opusscript).
import { connectSpice, type PlaybackData, type PlaybackStart, type SpiceSession } from "@saffron/client/node";
import { playback as pb, record as rec } from "@saffron/protocol";
import { startQemu, stopAllPeers } from "@saffron/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { goertzel, startAudioXspice } from "./audio-fixtures.js";

afterAll(stopAllPeers);

/** Collects `ms` of PCM (after the first `skipMs`, to leave Opus warm-up out). */
function collect(session: SpiceSession, ms: number, skipMs = 100): Promise<{ pcm: Int16Array; start?: PlaybackStart; packets: PlaybackData[] }> {
  const p = session.playback!;
  const chunks: Int16Array[] = [];
  const packets: PlaybackData[] = [];
  let start: PlaybackStart | undefined = p.started;
  let have = 0;
  let skipped = 0;
  const want = (48000 * 2 * ms) / 1000;
  const skip = (48000 * 2 * skipMs) / 1000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${have} of ${want} samples in 20 s (${packets.length} DATA)`)), 20_000);
    p.on("start", (s) => (start = s));
    p.on("data", (d) => packets.length < 1000 && packets.push(d));
    p.on("pcm", (s) => {
      if (skipped < skip) return void (skipped += s.length);
      chunks.push(s);
      have += s.length;
      if (have < want) return;
      clearTimeout(timer);
      const pcm = new Int16Array(have);
      let o = 0;
      for (const c of chunks) pcm.set(c, (o += c.length) - c.length);
      resolve({ pcm, start, packets });
    });
  });
}

describe.each([
  { name: "RAW", opus: false },
  { name: "OPUS", opus: true },
])("client audio vs Xspice FIFO ($name)", ({ opus }) => {
  it("receives START 2 ch 48 kHz and a 1 kHz tone", async () => {
    const a = await startAudioXspice(opus);
    const session = await connectSpice(`spice://127.0.0.1:${a.xspice.port}`, { audio: true, channelTypes: [] });
    try {
      expect(session.available.map((c) => c.type)).toContain(5);
      expect(session.playback).toBeDefined();
      expect(session.playback!.link!.clientCaps.channel.has(pb.PlaybackCaps.Opus)).toBe(true);
      const got = collect(session, 1000);
      const sox = await a.playTone(1000, 20);
      const { pcm, start, packets } = await got;
      await sox.stop(500);
      expect(start).toMatchObject({ channels: 2, frequency: 48000, mode: opus ? pb.AudioDataMode.Opus : pb.AudioDataMode.Raw });
      expect(session.playback!.mode).toBe(opus ? pb.AudioDataMode.Opus : pb.AudioDataMode.Raw);
      if (opus) expect(packets.every((d) => d.packet && d.packet.length < 480 && d.samples?.length === 960)).toBe(true);
      else expect(packets.every((d) => d.samples?.length === 960 && d.packet === undefined)).toBe(true);
      // mm-time: the stamps never go back and advance about 10 ms per packet (the server
      // stamps when it sends, so the first packets come in a burst).
      const steps = packets.slice(1).map((d, i) => (d.time - packets[i]!.time) | 0);
      expect(steps.every((s) => s >= 0 && s < 100)).toBe(true);
      const perPacket = ((packets.at(-1)!.time - packets[0]!.time) >>> 0) / (packets.length - 1);
      expect(perPacket).toBeGreaterThan(6);
      expect(perPacket).toBeLessThan(14);
      expect(session.playback!.mmTime()).toBeGreaterThan(0);
      const amp = { f1000: goertzel(pcm, 1000), f440: goertzel(pcm, 440), f2000: goertzel(pcm, 2000), right1000: goertzel(pcm, 1000, { channel: 1 }) };
      console.log(`${opus ? "OPUS" : "RAW"}: ${packets.length} DATA, amplitudes`, amp, `decode errors ${session.playback!.counters.decodeErrors}`);
      expect(amp.f1000).toBeGreaterThan(0.45); // the writer's half scale is 0.5
      expect(amp.right1000).toBeGreaterThan(0.45);
      expect(amp.f440).toBeLessThan(0.01);
      expect(amp.f2000).toBeLessThan(0.01);
      expect(session.playback!.counters.decodeErrors).toBe(0);
      expect(session.errors).toEqual([]);
    } finally {
      session.close();
      await a.xspice.stop();
    }
  });
});

describe("client audio vs QEMU (spice audiodev, no guest driver)", () => {
  it("links PLAYBACK (Opus offered, MODE OPUS) and RECORD (caps), with no START", async () => {
    const qemu = await startQemu({ vga: "std", audio: true });
    const session = await connectSpice(`spice://127.0.0.1:${qemu.port}`, { audio: true, channelTypes: [6] });
    try {
      expect(session.available.map((c) => c.type)).toEqual(expect.arrayContaining([5, 6]));
      const p = session.playback!;
      const r = session.record!;
      expect(p.link?.clientCaps.channel.has(pb.PlaybackCaps.Opus)).toBe(true);
      expect(r.link?.mess.channelType).toBe(6);
      expect(r.link?.clientCaps.channel.has(rec.RecordCaps.Volume)).toBe(true);
      const end = Date.now() + 5000;
      while (p.mode === pb.AudioDataMode.Invalid && Date.now() < end) await new Promise((ok) => setTimeout(ok, 50));
      console.log("QEMU: playback mode", p.mode, "server playback caps", p.link?.serverCaps.channel.toWords(), "record caps", r.link?.serverCaps.channel.toWords());
      expect(p.mode).toBe(pb.AudioDataMode.Opus);
      expect(p.started).toBeUndefined();
      expect(r.started).toBeUndefined();
      expect(r.sendPcm(new Int16Array(960))).toBe(false);
      expect(session.errors).toEqual([]);
    } finally {
      session.close();
      await qemu.stop();
    }
  });
});
