import type { ByteTransport, ChannelAddress } from "@saffron/client";
import { ChannelType } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import { SpeculativeTransports } from "./speculative-transports.js";

function fakeFactory() {
  const opened: ChannelAddress[] = [];
  const closed: number[] = [];
  const factory = (a: ChannelAddress): Promise<ByteTransport> => {
    opened.push(a);
    const t = { close: () => closed.push(a.channelType), onClose: () => {}, onData: () => {}, send: () => true, pause: () => {}, resume: () => {} } as unknown as ByteTransport;
    return Promise.resolve(t);
  };
  return { factory, opened, closed };
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));
const TYPES = [ChannelType.Display, ChannelType.Inputs, ChannelType.Cursor];

describe("SpeculativeTransports", () => {
  it("opens main's socket at once and the others in the next task, then hands them out", async () => {
    const f = fakeFactory();
    const s = new SpeculativeTransports(f.factory, TYPES);
    const get = s.wrap();
    void get({ channelType: ChannelType.Main, channelId: 0 });
    expect(f.opened.map((a) => a.channelType)).toEqual([ChannelType.Main]);
    await nextTask();
    expect(f.opened.map((a) => a.channelType)).toEqual([ChannelType.Main, ...TYPES]);
    await get({ channelType: ChannelType.Display, channelId: 0 });
    expect(f.opened).toHaveLength(4); // the early one, no new socket
    s.dispose();
    await nextTask();
    expect(f.closed.sort()).toEqual([ChannelType.Inputs, ChannelType.Cursor].sort());
  });

  it("does not open early a socket the session already asked for", async () => {
    const f = fakeFactory();
    const s = new SpeculativeTransports(f.factory, TYPES);
    const get = s.wrap();
    void get({ channelType: ChannelType.Main, channelId: 0 });
    void get({ channelType: ChannelType.Display, channelId: 0 }); // before the next task
    await nextTask();
    expect(f.opened.filter((a) => a.channelType === ChannelType.Display)).toHaveLength(1);
  });

  it("preopen: main first, the rest in the next task, nothing after dispose", async () => {
    const f = fakeFactory();
    const s = new SpeculativeTransports(f.factory, TYPES);
    s.preopen();
    expect(f.opened.map((a) => a.channelType)).toEqual([ChannelType.Main]);
    s.dispose();
    await nextTask();
    expect(f.opened).toHaveLength(1);
  });
});
