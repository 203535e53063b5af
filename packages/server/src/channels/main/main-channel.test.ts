import { Caps, ChannelType, FrameSplitter, FrameWriter, main, silentLogger, type LinkOutcome } from "@saffron/protocol";
import { describe, expect, it } from "vitest";
import type { Connection } from "../../net/connection.js";
import { ServerMainChannel } from "./main-channel.js";
import { NET_TEST_BYTES } from "./net-test.js";

/** A main channel on a fake connection; `fromClient` feeds it client messages, `received` decodes what it sent. */
function mainChannel(netTest: boolean) {
  let listener: ((c: Uint8Array) => void) | undefined;
  const sent: Uint8Array[] = [];
  const conn: Connection = {
    remote: "test",
    kind: "tcp",
    send: (d) => void sent.push(d),
    onData: (l) => void (listener = l),
    onClose: () => {},
    pending: 0,
    onDrain: () => {},
    close: () => {},
    end: () => {},
  };
  const link: LinkOutcome = {
    mess: { connectionId: 0, channelType: ChannelType.Main, channelId: 0 } as LinkOutcome["mess"],
    clientCaps: { common: new Caps(), channel: new Caps() },
    serverCaps: { common: new Caps(), channel: new Caps() },
    miniHeader: true,
  };
  const channel = new ServerMainChannel(conn, link, { log: silentLogger }, { sessionId: 42, channels: [{ type: ChannelType.Display, id: 0 }], clientMouse: false, netTest });
  channel.start([]);
  const splitter = new FrameSplitter({ miniHeader: true, maxMessageSize: 1 << 20 });
  const writer = new FrameWriter({ miniHeader: true });
  return {
    channel,
    received: () => sent.splice(0).flatMap((c) => splitter.push(c)).map((f) => main.mainServer.decode(f.type, f.body)),
    fromClient: (...msgs: Parameters<typeof main.mainClient.encode>[]) => {
      for (const [name, body] of msgs) listener!(writer.frame(main.mainClient.defs[name][0], main.mainClient.encode(name, body)));
    },
  };
}

const pong = (id: number): Parameters<typeof main.mainClient.encode> => ["Pong", { id, timestamp: 0n }];

describe("ServerMainChannel network test", () => {
  it("a client that never answers the PINGs still gets its channel list at once, and counts as fast", () => {
    const { channel, received, fromClient } = mainChannel(true);
    const start = received();
    expect(start.map((m) => m.name)).toEqual(["Init", "Ping", "Ping", "Ping"]);
    expect((start[3]!.body as { padding: Uint8Array }).padding.length).toBe(NET_TEST_BYTES);

    fromClient(["AttachChannels", {}]);
    const list = received();
    expect(list.map((m) => m.name)).toEqual(["ChannelsList"]);
    expect(list[0]!.body).toEqual({ channels: [{ type: ChannelType.Display, id: 0 }] });
    expect(channel.netTestResult).toBeUndefined();
    expect(channel.lowBandwidth).toBe(false);
    channel.close();
  });

  it("answers the channel list while the padded PING is still unanswered, and decides when its PONG comes", async () => {
    const { channel, received, fromClient } = mainChannel(true);
    const ids = received()
      .filter((m) => m.name === "Ping")
      .map((m) => (m.body as { id: number }).id);
    fromClient(pong(ids[0]!), pong(ids[1]!), ["AttachChannels", {}]);
    expect(received().map((m) => m.name)).toEqual(["ChannelsList"]);
    expect(channel.netTestResult).toBeUndefined();
    expect(channel.lowBandwidth).toBe(false);
    // The padded PING's PONG 250 ms after the small one's: 256 000 bytes in >= 250 ms is
    // at most 8.2 Mbit/s, below 10 Mibit/s.
    await new Promise((r) => setTimeout(r, 250));
    fromClient(pong(ids[2]!));
    expect(channel.netTestResult?.lowBandwidth).toBe(true);
    expect(channel.netTestResult!.bitsPerSecond).toBeLessThan(8.3e6);
    expect(channel.lowBandwidth).toBe(true);
    channel.close();
  });

  it("PONGs that come back at once: a fast link; without the test, one plain PING and no result", () => {
    const a = mainChannel(true);
    const ids = a
      .received()
      .filter((m) => m.name === "Ping")
      .map((m) => (m.body as { id: number }).id);
    a.fromClient(pong(ids[0]!), pong(ids[1]!), pong(ids[2]!));
    expect(a.channel.netTestResult?.lowBandwidth).toBe(false);
    a.channel.close();

    const b = mainChannel(false);
    const sent = b.received();
    expect(sent.map((m) => m.name)).toEqual(["Init", "Ping"]);
    expect((sent[1]!.body as { padding: Uint8Array }).padding.length).toBe(0);
    b.fromClient(pong((sent[1]!.body as { id: number }).id));
    expect(b.channel.netTestResult).toBeUndefined();
    b.channel.close();
  });
});
