import { Caps, record as rec, playback as pb } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { scriptedServer } from "../__fixtures__/scripted-server.js";
import { RecordChannel } from "./record-channel.js";

const S = rec.recordServer;
const C = rec.recordClient;

async function linked() {
  const server = scriptedServer(Caps.of(rec.RecordCaps.Volume));
  let t = 5000;
  const ch = new RecordChannel(server.ctx, 0, { now: () => t });
  await ch.connect();
  const link = await server.linked;
  const settle = () => new Promise((r) => setTimeout(r, 10));
  const sent = () => server.received.map((f) => ({ name: C.decode(f.type, f.body).name, body: C.decode(f.type, f.body).body as Record<string, unknown> }));
  return { server, ch, link, settle, sent, advance: (ms: number) => (t += ms) };
}

describe("RecordChannel", () => {
  it("links with the VOLUME cap and sends nothing before START", async () => {
    const { ch, link, settle, sent } = await linked();
    expect(link.mess.channelType).toBe(6);
    expect(link.clientCaps.channel.has(rec.RecordCaps.Volume)).toBe(true);
    expect(link.clientCaps.channel.has(rec.RecordCaps.Opus)).toBe(false);
    expect(ch.sendPcm(new Int16Array(960))).toBe(false);
    await settle();
    expect(sent()).toEqual([]);
    ch.close();
  });

  it("START → MODE RAW; sendPcm → START_MARK then DATA of at most 10 ms; STOP ends it", async () => {
    const { server, ch, settle, sent, advance } = await linked();
    const starts: unknown[] = [];
    ch.on("start", (s) => starts.push(s));
    server.send(S.defs.Start[0], S.encode("Start", { channels: 2, format: pb.AudioFormat.S16, frequency: 48000 }));
    await settle();
    expect(starts).toEqual([{ channels: 2, frequency: 48000 }]);
    const pcm = new Int16Array(2 * 700).map((_, i) => (i % 2 ? -i : i));
    expect(ch.sendPcm(pcm)).toBe(true);
    advance(15);
    ch.sendPcm(new Int16Array(4).fill(-2));
    await settle();
    const msgs = sent();
    expect(msgs.map((m) => m.name)).toEqual(["Mode", "StartMark", "Data", "Data", "Data"]);
    expect(msgs[0]!.body).toMatchObject({ mode: pb.AudioDataMode.Raw });
    expect((msgs[2]!.body.data as Uint8Array).length).toBe(1920);
    expect((msgs[3]!.body.data as Uint8Array).length).toBe(700 * 4 - 1920);
    const d = new DataView((msgs[2]!.body.data as Uint8Array).slice().buffer);
    expect([d.getInt16(0, true), d.getInt16(2, true), d.getInt16(4, true), d.getInt16(6, true)]).toEqual([0, -1, 2, -3]);
    expect(msgs[2]!.body.time).toBe(0);
    expect(msgs[4]!.body.time).toBe(15);
    expect(ch.counters).toEqual({ packets: 3, frames: 702 });
    server.send(S.defs.Stop[0], S.encode("Stop", {}));
    await settle();
    expect(ch.sendPcm(pcm)).toBe(false);
    expect(() => {
      ch.started = { channels: 2, frequency: 48000 };
      ch.sendPcm(new Int16Array(3));
    }).toThrow(RangeError);
    ch.close();
  });

  it("VOLUME and MUTE", async () => {
    const { server, ch, settle } = await linked();
    const seen: unknown[] = [];
    ch.on("volume", (v) => seen.push(v));
    ch.on("mute", (m) => seen.push(m));
    server.send(S.defs.Volume[0], S.encode("Volume", { volume: [100, 200] }));
    server.send(S.defs.Mute[0], S.encode("Mute", { mute: 1 }));
    await settle();
    expect(seen).toEqual([[100, 200], true]);
    ch.close();
  });
});
